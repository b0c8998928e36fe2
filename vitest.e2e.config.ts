// Vitest configuration for end-to-end tests: real Chromium against the built app (tests/e2e/**/*.e2e.ts), one file at a time.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Test files are transformed with tsconfig.json, which extends the generated .svelte-kit/tsconfig.json: on a fresh
// clone it does not exist until SvelteKit has synced once.
if (!existsSync('.svelte-kit/tsconfig.json')) execFileSync('npx', ['svelte-kit', 'sync'], { stdio: 'inherit' });

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    // Builds once, then every file serves a snapshot of build/ (see tests/support/harness.ts).
    globalSetup: ['tests/support/e2e-global-setup.ts'],
    // Two cores: one browser at a time keeps timings honest; tests inside a file run in order anyway.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000
  }
});
