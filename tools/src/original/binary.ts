/**
 * The original implementations (`../shared/original`, a Rust program that ports the five
 * originals' code) as a second implementation: the fixtures take boundary samples and sample
 * trees from it, CI runs the conformance suite against it. Its `setup.sh` builds it offline from
 * Debian's crates outside `../shared` (read-only) and prints the binary's path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `../shared/original` beside the repository, when this machine has it. */
export function originalSourceDir(repoRoot: string): string | undefined {
  const dir = resolve(repoRoot, '..', 'shared', 'original');
  return existsSync(join(dir, 'setup.sh')) ? dir : undefined;
}

let built: string | undefined;

/**
 * The path of a built `original` binary: `$LOGSPEC_ORIGINAL_BIN` if set, else built (or brought up
 * to date, a second or two when nothing changed) by `setup.sh`. Undefined when the sources are
 * not on this machine.
 */
export function originalBinary(repoRoot: string, log: (line: string) => void = () => {}): string | undefined {
  const fromEnv = process.env.LOGSPEC_ORIGINAL_BIN;
  if (fromEnv) return fromEnv;
  if (built) return built;
  const src = originalSourceDir(repoRoot);
  if (!src) return undefined;
  log(`original: building ${src} with its setup.sh`);
  const out = execFileSync('bash', [join(src, 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!existsSync(bin)) throw new Error(`original: setup.sh printed ${JSON.stringify(bin)}, which is not a file`);
  built = bin;
  return bin;
}
