import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from './index';

describe('analytics public API', () => {
  it('re-exports every export of every analytics module', async () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
    expect(modules.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const file of modules) {
      const mod = (await import(`./${file.replace(/\.ts$/, '')}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) if ((api as Record<string, unknown>)[name] !== value) missing.push(`${file}: ${name}`);
    }
    expect(missing).toEqual([]);
  });
});
