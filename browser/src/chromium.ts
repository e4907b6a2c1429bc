import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's `chromium` package; never a downloaded browser. `LOGSPEC_CHROMIUM` overrides the path. */
export const CHROMIUM_PATH = process.env.LOGSPEC_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  context: BrowserContext;
  version: string;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile (`--user-data-dir`, which playwright takes as
 * the persistent context's folder). A missing browser is an error, not a reason to skip.
 */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser test needs Debian's chromium package ` +
        '(apt-get update && apt-get install -y chromium; `npm test` installs it when run as root on Debian), or LOGSPEC_CHROMIUM=<path>.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'logspec-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${(e as Error).message}`);
  }
  return {
    context,
    version: context.browser()?.version() ?? 'unknown',
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
