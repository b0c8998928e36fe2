// Vitest configuration for `npm run bench`: figures, not pass/fail tests; the app is built once and served from a snapshot.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
  test: {
    include: ['tests/bench/**/*.bench.ts'],
    environment: 'node',
    // FIELDBOOK_BENCH_NODE_ONLY=1 runs only the Node benches (no app build): handy while working on core.
    globalSetup: process.env.FIELDBOOK_BENCH_NODE_ONLY === '1' ? ['tests/bench/bench-global-setup.ts'] : ['tests/bench/bench-global-setup.ts', 'tests/support/e2e-global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 1_800_000,
    hookTimeout: 600_000
  }
});
