// Board logic: stage order, column totals per currency, keyboard moves, card windows, money typed in forms, stage reordering,
// and the board commands (moving a deal, saving the stages) on a real workspace.
import { describe, expect, test } from 'vitest';
import { generateNKeysBetween } from 'fractional-indexing';
import {
  byCloseDate,
  columnTotals,
  currencyDigits,
  isValidPin,
  minorToInput,
  moveOpportunity,
  neighbourStage,
  orderStages,
  parseMoneyInput,
  reorderPositions,
  saveStages,
  splitName,
  visibleRange,
  type StageDraft,
  type StageRecordLike
} from './board';
import { createRecord, readRecord } from '../commands';
import { memoryWorkspace } from '../testing';
import { defaultStageInfo, type Deal } from './pipeline';

const deal = (stage: string, amount: number, currency = 'NPR', probability: number | null = null): Deal => ({
  stage,
  amount: { amount, currency },
  closeDate: '2026-12-01',
  probability,
  owner: 'u1'
});

describe('orderStages', () => {
  test('an empty workspace gets the default stages', () => {
    expect(orderStages([]).map((s) => s.id)).toEqual(['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost']);
  });

  test('stage records are ordered by position, deleted ones left out', () => {
    const [a, b, c] = generateNKeysBetween(null, null, 3);
    const stages = orderStages([
      { id: 'late', name: 'Late', position: c, probability: 80, outcome: 'open' },
      { id: 'gone', name: 'Gone', position: b, probability: 50, outcome: 'open', deletedAt: '2026-01-01T00:00:00.000Z' },
      { id: 'early', name: 'Early', position: a, probability: 10, outcome: 'open' }
    ]);
    expect(stages.map((s) => s.id)).toEqual(['early', 'late']);
  });
});

describe('columnTotals', () => {
  test('sums amounts and weights each deal by its own probability or its stage’s', () => {
    const t = columnTotals([deal('proposal', 100_00), deal('proposal', 200_00, 'NPR', 10)], defaultStageInfo);
    // 50% of 100 + 10% of 200
    expect(t).toEqual({ count: 2, byCurrency: [{ currency: 'NPR', amount: 300_00, weighted: 70_00 }] });
  });

  test('never adds different currencies together', () => {
    const t = columnTotals([deal('won', 5_00, 'USD'), deal('won', 900_00, 'NPR')], defaultStageInfo);
    expect(t.byCurrency.map((c) => c.currency)).toEqual(['NPR', 'USD']);
  });

  test('deleted deals do not count', () => {
    expect(columnTotals([{ ...deal('won', 1), deletedAt: '2026-01-01T00:00:00.000Z' }], defaultStageInfo).count).toBe(0);
  });
});

describe('neighbourStage', () => {
  test('moves one column and stops at the ends', () => {
    expect(neighbourStage(defaultStageInfo, 'prospecting', 1)).toBe('qualification');
    expect(neighbourStage(defaultStageInfo, 'prospecting', -1)).toBe('prospecting');
    expect(neighbourStage(defaultStageInfo, 'lost', 1)).toBe('lost');
  });
});

describe('visibleRange', () => {
  test('renders the cards in view plus overscan, and nothing past the end', () => {
    expect(visibleRange(0, 500, 100, 20_000, 2)).toEqual({ start: 0, end: 7 });
    expect(visibleRange(1_000, 500, 100, 20_000, 2)).toEqual({ start: 8, end: 17 });
    expect(visibleRange(1_999_500, 500, 100, 20_000, 2)).toEqual({ start: 19_993, end: 20_000 });
    expect(visibleRange(0, 500, 100, 0)).toEqual({ start: 0, end: 0 });
  });
});

test('cards sort by close date, then name', () => {
  const rows = [
    { id: '3', closeDate: '2026-12-01', name: 'B' },
    { id: '1', closeDate: '2026-11-01', name: 'Z' },
    { id: '2', closeDate: '2026-12-01', name: 'A' }
  ];
  expect(rows.sort(byCloseDate).map((r) => r.id)).toEqual(['1', '2', '3']);
});

describe('money typed in a form', () => {
  test.each([
    ['1,50,000.50', 15_000_050],
    ['2500', 250_000],
    [' 12.5 ', 1_250],
    ['0', 0],
    ['7.', 700]
  ])('%s is %i minor units', (text, minor) => {
    expect(parseMoneyInput(text)).toBe(minor);
  });

  test.each(['', 'abc', '-5', '1.234', '1e5', '12.3.4'])('%s is rejected', (text) => {
    expect(parseMoneyInput(text)).toBeNull();
  });

  test('a currency without minor units takes whole numbers only', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('NPR')).toBe(2);
    expect(parseMoneyInput('1500', 0)).toBe(1500);
    expect(parseMoneyInput('15.5', 0)).toBeNull();
  });

  test('minor units go back to what the field shows', () => {
    expect(minorToInput(15_000_050)).toBe('150000.50');
    expect(minorToInput(250_000)).toBe('2500');
    expect(minorToInput(5)).toBe('0.05');
    expect(minorToInput(1500, 0)).toBe('1500');
  });
});

describe('reorderPositions', () => {
  const keys = generateNKeysBetween(null, null, 5);
  const items: { id: string; position: string | null }[] = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, position: keys[i] }));
  const apply = (list: typeof items, changes: Map<string, string>) =>
    [...list].map((i) => ({ ...i, position: changes.get(i.id) ?? i.position })).sort((x, y) => (x.position! < y.position! ? -1 : 1)).map((i) => i.id);

  test('moving one item up rewrites only that item', () => {
    const moved = [items[0], items[3], items[1], items[2], items[4]];
    const changes = reorderPositions(moved);
    expect(changes.size).toBe(1);
    expect(apply(items, changes)).toEqual(['a', 'd', 'b', 'c', 'e']);
  });

  test('items without a position (defaults being saved, a new stage) get keys in list order', () => {
    const fresh: typeof items = [{ id: 'x', position: null }, { id: 'y', position: null }, { id: 'z', position: null }];
    const changes = reorderPositions(fresh);
    expect(changes.size).toBe(3);
    expect(apply(fresh, changes)).toEqual(['x', 'y', 'z']);
  });

  test('a reversed list still ends in the requested order', () => {
    const reversed = [...items].reverse();
    expect(apply(items, reorderPositions(reversed))).toEqual(['e', 'd', 'c', 'b', 'a']);
  });
});

test('kiosk PINs are 4 to 6 digits', () => {
  expect(['1234', '123456'].every(isValidPin)).toBe(true);
  expect(['123', '1234567', '12a4', ''].some(isValidPin)).toBe(false);
});

test('one name box splits into first and family name', () => {
  expect(splitName('Ram Bahadur Thapa')).toEqual({ firstName: 'Ram Bahadur', lastName: 'Thapa' });
  expect(splitName(' Sita ')).toEqual({ firstName: 'Sita', lastName: '' });
  expect(splitName('')).toEqual({ firstName: '', lastName: '' });
});

describe('board commands', () => {
  const stage = (id: string) => defaultStageInfo.find((s) => s.id === id)!;
  const newDeal = (ws: ReturnType<typeof memoryWorkspace>) =>
    createRecord(ws, 'opportunity', { name: 'Hotel TVs', amount: { amount: 250_000_00, currency: 'NPR' }, closeDate: '2026-12-01' });

  test('a move to an open stage changes only the stage; a drop on won closes with the reason; reopening clears the close', async () => {
    const ws = memoryWorkspace();
    const deal = await newDeal(ws);
    await moveOpportunity(ws, deal.id, 'prospecting', stage('proposal'));
    expect(await readRecord(ws, 'opportunity', deal.id)).toMatchObject({ stage: 'proposal', closedAt: null });

    await moveOpportunity(ws, deal.id, 'proposal', stage('won'), 'Best value for money');
    const won = await readRecord(ws, 'opportunity', deal.id);
    expect(won).toMatchObject({ stage: 'won', wonReason: 'Best value for money' });
    expect(won?.closedAt).toBeTruthy();

    await moveOpportunity(ws, deal.id, 'won', stage('negotiation'));
    expect(await readRecord(ws, 'opportunity', deal.id)).toMatchObject({ stage: 'negotiation', closedAt: null });
  });

  test('a closing stage of the user’s own closes the deal into that stage', async () => {
    const ws = memoryWorkspace();
    const deal = await newDeal(ws);
    await moveOpportunity(ws, deal.id, 'prospecting', { id: 'lost-no-budget', name: 'Lost: no budget', probability: 0, outcome: 'lost' }, 'No budget');
    expect(await readRecord(ws, 'opportunity', deal.id)).toMatchObject({ stage: 'lost-no-budget', lostReason: 'No budget' });
  });

  test('the first save of the stages keeps the default ids, so existing deals stay in their columns', async () => {
    const ws = memoryWorkspace();
    const drafts: StageDraft[] = defaultStageInfo.map((s) => ({ ...s, position: null }));
    // Proposal moved above Qualification, Negotiation renamed.
    [drafts[1], drafts[2]] = [drafts[2], drafts[1]];
    drafts[3] = { ...drafts[3], name: 'Negotiating' };
    await saveStages(ws, defaultStageInfo, drafts, true);
    const rows = (await ws.db.rows('stage').toArray()) as StageRecordLike[];
    expect(orderStages(rows).map((s) => s.id)).toEqual(['prospecting', 'proposal', 'qualification', 'negotiation', 'won', 'lost']);
    expect(orderStages(rows)[3].name).toBe('Negotiating');
  });

  test('later saves write only what changed: one moved stage, one new stage, one removed', async () => {
    const ws = memoryWorkspace();
    await saveStages(ws, defaultStageInfo, defaultStageInfo.map((s) => ({ ...s, position: null })), true);
    const before = orderStages((await ws.db.rows('stage').toArray()) as StageRecordLike[]);
    const positions = new Map(before.map((s) => [s.id, s.position]));
    const drafts: StageDraft[] = before.map((s) => ({ ...s, position: s.position ?? null }));
    const [negotiation] = drafts.splice(3, 1);
    drafts.splice(1, 0, negotiation);
    drafts.splice(4, 0, { id: 'new-1', name: 'Contract sent', probability: 90, outcome: 'open', position: null, isNew: true });
    drafts[2] = { ...drafts[2], isRemoved: true };
    await saveStages(ws, before, drafts, false);
    const after = orderStages((await ws.db.rows('stage').toArray()) as StageRecordLike[]);
    expect(after.map((s) => s.name)).toEqual(['Prospecting', 'Negotiation', 'Proposal', 'Contract sent', 'Closed won', 'Closed lost']);
    const moved = after.filter((s) => positions.has(s.id) && positions.get(s.id) !== s.position).map((s) => s.id);
    expect(moved).toEqual(['negotiation']);
  });
});
