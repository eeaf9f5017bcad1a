import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One temporary directory per run, removed at its end (test/global-tmp.ts).
    globalSetup: ['test/global-tmp.ts'],
    // Tests spawn git and the CLI; the default 5 s is tight on a loaded 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
