import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // End-to-end tests spawn the built CLI and git; give them room on 2-core machines.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
