import { defineConfig } from 'vitest/config';

const pkg = (name: string, root: string) => ({
  extends: true as const,
  test: {
    name,
    root,
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
  },
});

export default defineConfig({
  test: {
    // Property and crash tests are CPU-bound; two cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      pkg('core', 'packages/core'),
      pkg('ring-log', 'packages/ring-log'),
      pkg('frame', 'packages/frame'),
      pkg('wal', 'packages/wal'),
      pkg('segment-index', 'packages/segment-index'),
      pkg('session-store', 'packages/session-store'),
      pkg('detect', 'packages/detect'),
      pkg('conformance', 'conformance'),
      pkg('tools', 'tools'),
      pkg('bench', 'bench'),
      pkg('browser', 'browser'),
      pkg('inspector', 'inspector'),
      pkg('cli', 'packages/cli'),
      pkg('export', 'packages/export'),
    ],
  },
});
