// Builds the app once before the e2e files run, then serves a snapshot of it so a concurrent `vite build` cannot pull
// files from under a running test. FIELDBOOK_SKIP_BUILD=1 reuses the existing build/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  // Module augmentation needs an interface: this is how Vitest types values passed from globalSetup to tests.
  export interface ProvidedContext {
    e2eBuildDir: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

export function setup(project: TestProject): () => void {
  if (process.env.FIELDBOOK_SKIP_BUILD !== '1') {
    // Vitest sets NODE_ENV=test, which would make Vite build a development flavour (import.meta.env.PROD false: no
    // service worker). Test the build users get.
    const env = { ...process.env, NODE_ENV: 'production' };
    const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
  }
  if (!existsSync(join(root, 'build/sw.js'))) throw new Error('build/sw.js is missing: run `npm run build`');
  const snapshot = mkdtempSync(join(tmpdir(), 'fieldbook-e2e-build-'));
  cpSync(join(root, 'build'), snapshot, { recursive: true });
  project.provide('e2eBuildDir', snapshot);
  return () => rmSync(snapshot, { recursive: true, force: true });
}
