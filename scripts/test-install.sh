#!/usr/bin/env bash
# Installs the packed packages like a user: `npm pack` every package (scripts/pack.sh), install
# the tarballs into an empty project with plain npm (dependencies from the npm registry), import
# every entry point each package exports, and run the installed `logspec`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash scripts/pack.sh "$work/tgz" >/dev/null
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$work"/tgz/*.tgz >&2

# Every manifest is the published one: no workspace ranges, no exports into src/.
if grep -l '"workspace:' node_modules/@logspec/*/package.json; then
  echo "test-install: a workspace: range was published" >&2
  exit 1
fi

node --input-type=module -e '
import { readdirSync, readFileSync } from "node:fs";
let n = 0;
for (const dir of readdirSync("node_modules/@logspec")) {
  const pkg = JSON.parse(readFileSync(`node_modules/@logspec/${dir}/package.json`, "utf8"));
  for (const key of Object.keys(pkg.exports)) {
    if (key === "./package.json") continue;
    const spec = key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    const m = await import(spec);
    if (Object.keys(m).length === 0) throw new Error(`${spec} exports nothing`);
    for (const t of JSON.stringify(pkg.exports[key]).match(/"\.\/[^"]+"/g) ?? [])
      if (!t.includes("/dist/")) throw new Error(`${spec} points outside dist: ${t}`);
    console.log(`imported ${spec} (${Object.keys(m).length} exports)`);
    n++;
  }
}
if (n < 10) throw new Error(`only ${n} entry points`);
'

want=$(node -p "require('$repo/packages/cli/package.json').version")
got=$(./node_modules/.bin/logspec --version)
if [ "$got" != "$want" ]; then
  echo "test-install: logspec --version printed '$got', expected '$want'" >&2
  exit 1
fi
./node_modules/.bin/logspec verify "$repo/conformance/golden/wal/original-xerv/multi_dir" >/dev/null
echo "test-install: the packed tarballs install with npm, every entry point imports, logspec $got runs"
