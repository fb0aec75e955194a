import { defineConfig } from 'vitest/config';

// The end-to-end suite: one file, run in order against real processes (see e2e/stack.ts).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // A retry would run against the state the failed attempt left; fail plainly instead.
    retry: 0,
  },
});
