/**
 * The build folder of the mutation harness: a copy of the original implementations
 * (`../shared/original`, read-only) built with cargo from Debian's crates, as its `setup.sh` does,
 * in a folder of its own. One `target/` serves every mutant, so cargo rebuilds one crate each time.
 *
 * Sources are always written with a fresh mtime: cargo decides what to rebuild by comparing
 * source mtimes with its outputs, and a restored file carrying the original's old mtime would let
 * it keep a mutant's binary as if it were the baseline's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export interface BuildDir {
  /** The build folder (holds src/, Cargo.*, .cargo/, target/, baseline/). */
  dir: string;
  /** The original implementations' folder (read-only), with src/, Cargo.toml, Cargo.lock, setup.sh. */
  original: string;
  /** cargo -j */
  jobs: number;
}

const TOP_FILES = ['Cargo.toml', 'Cargo.lock'];

export const binaryOf = (b: BuildDir): string => join(b.dir, 'target', 'release', 'original');
export const baselineBinaryOf = (b: BuildDir): string => join(b.dir, 'baseline', 'original');

function listFiles(root: string, sub = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, sub), { withFileTypes: true })) {
    const rel = sub === '' ? e.name : `${sub}/${e.name}`;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Creates the build folder on first use by running the original's `setup.sh` into it (that also
 * installs the Debian crates when they are missing and writes the cargo source replacement).
 */
export function ensureBuildDir(b: BuildDir, log: (l: string) => void): void {
  if (existsSync(join(b.dir, '.cargo', 'config.toml'))) return;
  const setup = join(b.original, 'setup.sh');
  if (!existsSync(setup)) throw new Error(`no ${setup}: pass --original <dir of the original implementations>`);
  log(`first build into ${b.dir} with ${setup} (a few minutes)`);
  const r = spawnSync('bash', [setup], {
    env: { ...process.env, ORIGINAL_BUILD_DIR: b.dir },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${setup} failed (exit ${r.status})`);
}

/** Makes the build folder's sources equal to the original's again; returns the files it rewrote. */
export function restorePristine(b: BuildDir): string[] {
  const want = [...listFiles(join(b.original, 'src')).map((f) => `src/${f}`), ...TOP_FILES];
  const changed: string[] = [];
  const now = new Date();
  for (const rel of want) {
    const src = join(b.original, rel);
    const dst = join(b.dir, rel);
    const bytes = readFileSync(src);
    if (existsSync(dst) && readFileSync(dst).equals(bytes)) continue;
    mkdirSync(dirname(dst), { recursive: true });
    writeFileSync(dst, bytes);
    utimesSync(dst, now, now);
    changed.push(rel);
  }
  const keep = new Set(want);
  for (const rel of listFiles(join(b.dir, 'src')).map((f) => `src/${f}`)) {
    if (!keep.has(rel)) {
      rmSync(join(b.dir, rel));
      changed.push(rel);
    }
  }
  return changed;
}

/** `git apply` of one patch inside `dir`, never inside a repository that happens to contain it. */
export function gitApply(dir: string, patchFile: string, check = false): { ok: boolean; message: string } {
  const args = ['apply', '--whitespace=nowarn', ...(check ? ['--check'] : []), patchFile];
  const r = spawnSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir) },
  });
  if (r.error) return { ok: false, message: `git: ${r.error.message}` };
  return { ok: r.status === 0, message: `${r.stdout}${r.stderr}`.trim() };
}

/** Applies a patch to the build folder's sources (fresh mtimes on what it touched). */
export function applyPatch(b: BuildDir, patchFile: string, paths: readonly string[]): { ok: boolean; message: string } {
  const r = gitApply(b.dir, patchFile);
  const now = new Date();
  for (const p of paths) if (existsSync(join(b.dir, p))) utimesSync(join(b.dir, p), now, now);
  return r;
}

export interface BuildResult {
  ok: boolean;
  seconds: number;
  /** The last lines of cargo's stderr when the build failed. */
  log: string;
}

export function cargoBuild(b: BuildDir, timeoutMs = 15 * 60_000): Promise<BuildResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn('cargo', ['build', '--release', '--offline', '--quiet', '-j', String(b.jobs)], {
      cwd: b.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (c: string) => {
      err = (err + c).slice(-20_000);
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    const done = (ok: boolean, extra = '') => {
      clearTimeout(timer);
      const lines = `${err}${extra}`.trim().split('\n');
      resolve({ ok, seconds: (performance.now() - t0) / 1000, log: lines.slice(-30).join('\n') });
    };
    p.on('error', (e) => done(false, `\ncargo could not run: ${e.message}`));
    p.on('exit', (code, signal) => done(code === 0, signal ? `\ncargo killed by ${signal}` : ''));
  });
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Keeps the unmutated binary beside the shared target (which every mutant build overwrites). */
export function saveBaselineBinary(b: BuildDir): string {
  const dst = baselineBinaryOf(b);
  mkdirSync(dirname(dst), { recursive: true });
  copyFileSync(binaryOf(b), dst);
  return dst;
}

/** Files of `dir` (relative paths) with their bytes; used to compare what two builds wrote. */
export function readTreeBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!existsSync(dir)) return out;
  for (const rel of listFiles(dir)) out.set(rel, readFileSync(join(dir, rel)));
  return out;
}

/** Copies a tree (regular files and directories, empty ones included). */
export function copyTreeTo(src: string, dst: string): void {
  mkdirSync(dst, { recursive: true });
  for (const e of readdirSync(src, { withFileTypes: true })) {
    const from = join(src, e.name);
    const to = join(dst, e.name);
    if (e.isDirectory()) copyTreeTo(from, to);
    else if (e.isFile()) copyFileSync(from, to);
  }
}
