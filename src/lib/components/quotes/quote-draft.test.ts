// The quote draft: line moves keep only the moved line's key new, prices come from the right book, numbers count up.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '$lib/core/commands';
import { quoteTotals } from '$lib/core/sales/quote-math';
import { lineFromProduct, lineValues, moveLine, newLine, nextQuoteNumber, priceFor, quoteInput, quoteDraft, type LineDraft } from './quote-draft';

const byPosition = (lines: LineDraft[]) => [...lines].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0)).map((l) => l.description);

function threeLines(): LineDraft[] {
  const lines: LineDraft[] = [];
  for (const description of ['A', 'B', 'C']) lines.push(newLine(lines, 'NPR', { description }));
  return lines;
}

describe('moving lines', () => {
  it('gives the moved line a key between its new neighbours and leaves the others alone', () => {
    const lines = threeLines();
    const up = moveLine(lines, 2, 1);
    expect(up.map((l) => l.description)).toEqual(['A', 'C', 'B']);
    expect(byPosition(up)).toEqual(['A', 'C', 'B']);
    expect(up.filter((l) => lines.find((o) => o.id === l.id)?.position !== l.position).map((l) => l.description)).toEqual(['C']);
    expect(byPosition(moveLine(lines, 0, 2))).toEqual(['B', 'C', 'A']);
    expect(byPosition(moveLine(lines, 2, 0))).toEqual(['C', 'A', 'B']);
  });
  it('ignores moves out of range', () => {
    const lines = threeLines();
    expect(moveLine(lines, 0, -1)).toEqual(lines);
    expect(moveLine(lines, 2, 3)).toEqual(lines);
  });
  it('renumbers when two lines share a key (both appended on different devices at once)', () => {
    const [a, b, c] = threeLines();
    const tied = [a, { ...b, position: 'a1' }, { ...c, position: 'a1' }];
    const moved = moveLine(tied, 0, 1);
    expect(moved.map((l) => l.description)).toEqual(['B', 'A', 'C']);
    expect(byPosition(moved)).toEqual(['B', 'A', 'C']);
  });
});

describe('new lines', () => {
  it('start with VAT on a rupee quote and follow the line above after that', () => {
    const first = newLine([], 'NPR');
    expect(first.taxPct).toBe('13');
    expect(newLine([], 'USD').taxPct).toBe('0');
    expect(newLine([{ ...first, taxPct: '5' }], 'NPR').taxPct).toBe('5');
  });
  it('take a product’s name and its price from the chosen book', () => {
    const product = {
      id: 'p1',
      name: 'VivoLite 14',
      sku: 'VL-14',
      prices: [
        { id: 's', position: 'a0', priceBook: 'Standard', unitPrice: 59_999_00, currency: 'NPR' },
        { id: 'd', position: 'a1', priceBook: 'Dealer', unitPrice: 55_799_00, currency: 'NPR' }
      ]
    };
    const line = lineFromProduct([], product, 'Dealer', 'NPR');
    expect(line).toMatchObject({ productId: 'p1', description: 'VivoLite 14 (VL-14)', unitPrice: '55799.00' });
    expect(priceFor(product, 'Online', 'NPR')).toMatchObject({ priceBook: 'Standard', isExact: false });
    expect(priceFor(product, 'Dealer', 'USD')).toMatchObject({ priceBook: 'Dealer', currency: 'NPR', isExact: false });
    expect(priceFor({ prices: [] }, 'Standard', 'NPR')).toBeNull();
  });
});

describe('the record input', () => {
  it('turns typed numbers into minor units and percentages', () => {
    const d = quoteDraft(null, { number: 'Q-2026-0001' });
    d.lines = [newLine([], 'NPR', { description: 'Install', quantity: '2', unitPrice: '1,500.50', discountPct: '10' })];
    const input = quoteInput(d);
    expect(input.lines?.[0]).toMatchObject({ description: 'Install', quantity: 2, unitPrice: 150050, discountPct: 10, taxPct: 13 });
    expect(quoteTotals(d.lines.map(lineValues)).total).toBe(quoteTotals(input.lines as never).total);
  });
  it('reports what does not read as a number on its own line', () => {
    const d = quoteDraft(null);
    d.lines = [newLine([], 'NPR', { description: 'ok', unitPrice: '10' }), newLine([], 'NPR', { description: 'bad', quantity: 'two', unitPrice: '' })];
    try {
      quoteInput(d);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['lines.1.quantity', 'lines.1.unitPrice']);
    }
  });
});

describe('quote numbers', () => {
  it('count up within the year and start again in a new one', () => {
    expect(nextQuoteNumber([], 2026)).toBe('Q-2026-0001');
    expect(nextQuoteNumber(['Q-2026-0001', 'Q-2026-0007', 'Q-2025-0042', 'custom'], 2026)).toBe('Q-2026-0008');
    expect(nextQuoteNumber(['Q-2025-0042'], 2026)).toBe('Q-2026-0001');
  });
});
