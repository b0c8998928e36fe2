// Which workspace a URL opens: demos in their own storage, and a reload keeps the workspace that was open.
import { describe, expect, it } from 'vitest';
import { chooseWorkspace } from './session';

describe('chooseWorkspace', () => {
  const cases: [string, string | null, { name: string; demo: string | null }][] = [
    ['', null, { name: 'default', demo: 'small' }],
    ['?demo=field', null, { name: 'demo-field', demo: 'field' }],
    ['?demo=small', 'team', { name: 'demo-small', demo: 'small' }],
    ['?workspace=team-a', null, { name: 'team-a', demo: null }],
    ['', 'demo-field', { name: 'demo-field', demo: 'field' }],
    ['', 'team-a', { name: 'team-a', demo: null }],
    ['?workspace=<script>', null, { name: 'script', demo: null }],
    ['?demo=huge', null, { name: 'default', demo: 'small' }]
  ];
  for (const [search, last, expected] of cases) {
    it(`${search || '(none)'} after ${last ?? 'first visit'} → ${expected.name}`, () => {
      expect(chooseWorkspace(search, last)).toEqual(expected);
    });
  }
});
