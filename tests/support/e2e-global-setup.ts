// Builds the app once before the e2e files run (they serve build/); FIELDBOOK_SKIP_BUILD=1 reuses the existing build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export function setup(): void {
  if (process.env.FIELDBOOK_SKIP_BUILD === '1') {
    if (!existsSync(`${root}build/sw.js`)) throw new Error('FIELDBOOK_SKIP_BUILD=1 but build/sw.js is missing: run `npm run build`');
    return;
  }
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
}
