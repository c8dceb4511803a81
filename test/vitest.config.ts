import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // End-to-end tests spawn the built CLI and git; give them room on 2-core machines. The
    // slowest (test/parallel/equality.e2e.test.ts's explain, 84 runs of the CLI) took 48 s in a
    // CI run on a slow hour of these VMs, which are at times at a fifth of their fast speed.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
