// The import-rule checker fails on core importing Svelte and on cycles, and passes on the real tree.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (root?: string) => {
  try {
    return { code: 0, out: execFileSync('node', ['tests/support/check-imports.js', ...(root ? ['--root', root] : [])], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const err = e as { status: number; stderr: string };
    return { code: err.status, out: err.stderr };
  }
};

describe('check-imports', () => {
  it('passes on the project', () => {
    expect(run().code).toBe(0);
  });

  it('fails when core imports Svelte or $app, and on an import cycle', () => {
    const root = mkdtempSync(join(tmpdir(), 'fb-imports-'));
    mkdirSync(join(root, 'src/lib/core'), { recursive: true });
    writeFileSync(join(root, 'src/lib/core/a.ts'), "import { writable } from 'svelte/store';\nimport { b } from './b';\nexport const a = 1;\n");
    writeFileSync(join(root, 'src/lib/core/b.ts'), "import { a } from './a';\nimport { goto } from '$app/navigation';\nexport const b = a;\n");
    const r = run(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain('core must not import "svelte/store"');
    expect(r.out).toContain('core must not import "$app/navigation"');
    expect(r.out).toMatch(/import cycle: src\/lib\/core\/[ab]\.ts -> src\/lib\/core\/[ab]\.ts/);
  });
});
