// Checking peers' updates struct by struct: every register value (winning or not) must pass its field schema.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { collections } from '../model/registry';
import { formatStamp } from './hlc';
import { recordsOf } from './record-map';
import { docKeyLookup, validateUpdate } from './validate-update';

const at = (n: number) => formatStamp(Date.UTC(2026, 0, 1) + n, 0, 7);
const reg = (v: unknown, n: number, base = '') => [v, at(n), base, 'u'];

function peerDoc() {
  const doc = new Y.Doc();
  const rec = new Y.Map();
  recordsOf(doc).set('c1', rec as never);
  rec.set('v|7', reg(1, 0));
  rec.set('createdAt|7', reg('2026-01-01T00:00:00.000Z', 0));
  rec.set('firstName|7', reg('Asha', 0));
  return { doc, rec };
}
const diff = (doc: Y.Doc, base: Y.Doc) => Y.encodeStateAsUpdate(doc, Y.encodeStateVector(base));

describe('validateUpdate', () => {
  it('accepts valid records and overwrites, resolving an overwrite key through the local doc', () => {
    const { doc, rec } = peerDoc();
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(doc));
    expect(validateUpdate(collections.contact, Y.encodeStateAsUpdate(doc))).toBe(3);
    rec.set('firstName|7', reg('Asha Devi', 5, at(0)));
    expect(validateUpdate(collections.contact, diff(doc, local), docKeyLookup(local))).toBe(1);
  });

  it('refuses a losing register with an invalid value, not only a winning one', () => {
    const { doc, rec } = peerDoc();
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(doc));
    rec.set('email|7', reg('ok@example.com', 9));
    rec.set('email|99', reg('<script>', 1)); // older stamp: would lose, yet would be offered in conflict review
    expect(() => validateUpdate(collections.contact, diff(doc, local), docKeyLookup(local))).toThrow('field email: must be an email address');
  });

  it('refuses an invalid value hidden in an overwrite whose key only the local doc knows', () => {
    const { doc, rec } = peerDoc();
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(doc));
    rec.set('firstName|7', reg(42, 5, at(0)));
    expect(() => validateUpdate(collections.contact, diff(doc, local), docKeyLookup(local))).toThrow(/field firstName/);
  });

  it('reports an update that builds on content it cannot see, so the caller checks it on a copy', () => {
    const { doc, rec } = peerDoc();
    const before = new Y.Doc();
    Y.applyUpdate(before, Y.encodeStateAsUpdate(doc));
    rec.set('firstName|7', reg('Later', 5, at(0)));
    expect(validateUpdate(collections.contact, diff(doc, before))).toBe(-1);
  });

  const bad: [string, (rec: Y.Map<unknown>, doc: Y.Doc) => void, RegExp][] = [
    ['a register that is not a 4-tuple', (r) => r.set('firstName|8', 'plain'), /malformed field register/],
    ['a key without a device', (r) => r.set('firstName', reg('x', 1)), /malformed field register key/],
    ['a malformed clock', (r) => r.set('firstName|8', ['x', 'yesterday', '', 'u']), /malformed clock/],
    ['a derived field', (r) => r.set('updatedAt|8', reg('2026-01-01T00:00:00.000Z', 1)), /cannot be written/],
    ['another shared type', (_r, d) => d.getMap('evil').set('x', 1), /unexpected shared type "evil"/],
    ['a nested map inside a record', (r) => r.set('address|8', new Y.Map()), /malformed field register/]
  ];
  for (const [name, mutate, message] of bad) {
    it(`refuses ${name}`, () => {
      const { doc, rec } = peerDoc();
      mutate(rec, doc);
      expect(() => validateUpdate(collections.contact, Y.encodeStateAsUpdate(doc))).toThrow(message);
    });
  }

  it('checks child lines against the line schema, and that the line id matches its key', () => {
    const doc = new Y.Doc();
    const q = new Y.Map();
    recordsOf(doc).set('q1', q as never);
    q.set('lines/l1|7', reg({ id: 'l1', position: 'a0', description: 'Phone', quantity: 1, unitPrice: 100 }, 1));
    q.set('lines/l2|7', reg(null, 1));
    expect(validateUpdate(collections.quote, Y.encodeStateAsUpdate(doc))).toBe(2);
    q.set('lines/l3|7', reg({ id: 'l3', position: 'a1', description: 'Case', quantity: -1, unitPrice: 100 }, 2));
    expect(() => validateUpdate(collections.quote, Y.encodeStateAsUpdate(doc))).toThrow('field lines/l3.quantity: must be more than 0');
    const d2 = new Y.Doc();
    const q2 = new Y.Map();
    recordsOf(d2).set('q1', q2 as never);
    q2.set('lines/l1|7', reg({ id: 'other', position: 'a0', description: 'Phone', quantity: 1, unitPrice: 100 }, 1));
    expect(() => validateUpdate(collections.quote, Y.encodeStateAsUpdate(d2))).toThrow(/id does not match/);
  });

  it('refuses bytes that are not an update', () => {
    expect(() => validateUpdate(collections.contact, new Uint8Array([9, 9, 9, 200]))).toThrow(/not a valid Yjs update/);
  });
});
