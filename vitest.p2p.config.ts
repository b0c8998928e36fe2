// Vitest configuration for peer-to-peer tests (tests/p2p/**/*.p2p.ts): separate Chromium processes syncing over real WebRTC, inside a private network namespace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { defineConfig } from 'vitest/config';

/*
 * Chromium gathers no ICE candidates with loopback only, and WebRTC tests must not touch the host's network
 * (/work/shared/SETUP-NOTES.md), so the suite runs inside the namespace tests/p2p/run-in-netns.sh makes: a veth pair
 * 10.77.0.1 ↔ 10.77.0.2 with a default route. Run as root (CI does):
 *
 *   bash tests/p2p/run-in-netns.sh npx vitest run --config vitest.p2p.config.ts
 *
 * `npx vitest run --config vitest.p2p.config.ts` outside the namespace re-runs itself through that script when it can
 * (root, unshare and ip present), with the same arguments; otherwise it stops and says why.
 */
const NETNS_ADDRESS = '10.77.0.1';
const isInside =
  process.env.FIELDBOOK_NETNS === '1' &&
  Object.values(networkInterfaces())
    .flat()
    .some((a) => a?.address === NETNS_ADDRESS);

if (!isInside) {
  const canCreate = process.getuid?.() === 0 && ['unshare', 'ip'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
  if (!canCreate || process.env.FIELDBOOK_NETNS === '1') {
    console.error(
      [
        '',
        'p2p tests: NOT inside the test network namespace (no interface with 10.77.0.1), and one cannot be made here.',
        'WebRTC in Chromium needs a network with a default route; these tests must not use the host network.',
        'Run them as root (CI does):  bash tests/p2p/run-in-netns.sh npx vitest run --config vitest.p2p.config.ts',
        ''
      ].join('\n')
    );
    process.exit(1);
  }
  console.log(`p2p tests: not inside the test network namespace; re-running inside it (tests/p2p/run-in-netns.sh, ${NETNS_ADDRESS}/24)…`);
  const result = spawnSync('bash', ['tests/p2p/run-in-netns.sh', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

// Test files are transformed with tsconfig.json, which extends the generated .svelte-kit/tsconfig.json.
if (!existsSync('.svelte-kit/tsconfig.json')) execFileSync('npx', ['svelte-kit', 'sync'], { stdio: 'inherit' });

export default defineConfig({
  test: {
    include: ['tests/p2p/**/*.p2p.ts'],
    environment: 'node',
    // Builds once (FIELDBOOK_SKIP_BUILD=1 reuses build/; FIELDBOOK_P2P_BUILD_DIR serves a given folder), then serves a snapshot.
    globalSetup: ['tests/p2p/global-setup.ts'],
    // Several browsers per test already: one file at a time on two cores.
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 420_000,
    hookTimeout: 300_000,
    teardownTimeout: 30_000
  }
});
