import { build } from 'esbuild';

export type BundleResult = { ok: true; code: string; inputs: string[] } | { ok: false; errors: string[] };

/**
 * Bundles for a browser: `platform: 'browser'` resolves `@logspec/core` through its `default`
 * export condition (hash-wasm SHA-256, JS CRCs) and refuses Node built-ins (`node:fs`, …), so a
 * codec entry that imports one fails here with esbuild's "Could not resolve" error.
 */
export async function bundleForBrowser(
  entry: { file: string } | { contents: string; resolveDir: string },
): Promise<BundleResult> {
  try {
    const r = await build({
      ...('file' in entry
        ? { entryPoints: [entry.file] }
        : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' as const } }),
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
      metafile: true,
    });
    const out = r.outputFiles[0];
    if (!out) return { ok: false, errors: ['esbuild produced no output'] };
    return { ok: true, code: out.text, inputs: Object.keys(r.metafile.inputs) };
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    if (!errors) throw e;
    return {
      ok: false,
      errors: errors.map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text)),
    };
  }
}
