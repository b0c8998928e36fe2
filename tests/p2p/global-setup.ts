// Global setup of the p2p suite: the shared build-once-and-snapshot step, or a build folder given in FIELDBOOK_P2P_BUILD_DIR.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { setup as buildAndSnapshot } from '../support/e2e-global-setup';

/**
 * FIELDBOOK_P2P_BUILD_DIR=/path/to/a/copy/of/build serves that folder as is (no build, no snapshot): handy while
 * iterating on the tests when other work rebuilds build/ meanwhile. Otherwise this is tests/support/e2e-global-setup.ts.
 */
export function setup(project: TestProject): (() => void) | void {
  const dir = process.env.FIELDBOOK_P2P_BUILD_DIR;
  if (!dir) return buildAndSnapshot(project);
  if (!existsSync(join(dir, 'sw.js'))) throw new Error(`FIELDBOOK_P2P_BUILD_DIR=${dir} holds no built app (sw.js is missing)`);
  project.provide('e2eBuildDir', dir);
}
