// The `prepack`/`postpack` step of every package under packages/ (npm and pnpm both run it).
//
// `npm pack` packs package.json as it is on disk: it ignores `publishConfig` (so `exports`
// would point at src/*.ts) and keeps `workspace:^` dependency ranges, which no npm can install.
// `prepack` therefore writes the published manifest — `publishConfig`'s fields over the
// top-level ones, `workspace:` ranges replaced by the versions of those workspace packages —
// after checking that every file it exports was built, and keeps the original beside it;
// `postpack` puts the original back. An interrupted pack is undone by the next one.
//
//   node ../../scripts/pack-manifest.mjs prepack|postpack      (run in the package directory)
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KEEP = 'package.json.logspec-orig';
const mode = process.argv[2];
if (mode !== 'prepack' && mode !== 'postpack') {
  console.error('usage: pack-manifest.mjs prepack|postpack');
  process.exit(2);
}
if (existsSync(KEEP)) renameSync(KEEP, 'package.json');
if (mode === 'postpack') process.exit(0);

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
/** name → { version, private } of every workspace package that a manifest may name. */
const workspace = new Map();
for (const parent of ['packages', '.']) {
  const dirs = parent === '.' ? ['bench', 'tools', 'conformance', 'browser'] : readdirSync(join(repo, parent));
  for (const d of dirs) {
    const file = join(repo, parent, d, 'package.json');
    if (!existsSync(file)) continue;
    const p = JSON.parse(readFileSync(file, 'utf8'));
    workspace.set(p.name, { version: p.version, private: p.private === true });
  }
}

const text = readFileSync('package.json', 'utf8');
const pkg = JSON.parse(text);
for (const [k, v] of Object.entries(pkg.publishConfig ?? {})) {
  if (!['access', 'registry', 'tag', 'provenance'].includes(k)) pkg[k] = v;
}
for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
  const deps = pkg[field];
  if (!deps) continue;
  for (const [name, range] of Object.entries(deps)) {
    if (typeof range !== 'string' || !range.startsWith('workspace:')) continue;
    const w = workspace.get(name);
    if (!w) throw new Error(`${pkg.name}: ${field}.${name} is ${range}, but no workspace package has that name`);
    if (w.private) {
      // A private workspace package is never published: only a dev dependency may name it.
      if (field !== 'devDependencies') throw new Error(`${pkg.name}: ${name} is private but a ${field} entry`);
      delete deps[name];
      continue;
    }
    const spec = range.slice('workspace:'.length);
    deps[name] = spec === '^' || spec === '~' ? `${spec}${w.version}` : spec === '*' ? w.version : spec;
  }
}

// Every exported file must have been built (`pnpm build`), or the tarball would be broken.
const missing = [];
const targets = (v) =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(targets) : [];
for (const t of [...targets(pkg.exports), ...targets(pkg.bin), pkg.main, pkg.types].filter(Boolean)) {
  if (!existsSync(t)) missing.push(t);
}
if (missing.length) {
  console.error(`${pkg.name}: not built (${missing.join(', ')} missing); run 'pnpm build' first`);
  process.exit(1);
}

writeFileSync(KEEP, text);
writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
