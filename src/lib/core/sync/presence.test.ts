// Presence over y-protocols awareness: sealed and checked on arrival, ordered by clock, dropped on leave, link end or timeout.
import * as encoding from 'lib0/encoding';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { outdatedTimeout } from 'y-protocols/awareness';
import { deriveTeamKey, seal, WrongKeyError } from './crypto';
import {
  decodePresenceUpdate,
  encodePresenceUpdate,
  MeetingPresence,
  openPresenceUpdate,
  PresenceError,
  presenceOfPath,
  sealPresenceUpdate,
  type Presence
} from './presence';

let key: CryptoKey;
let wrongKey: CryptoKey;
beforeAll(async () => {
  [key, wrongKey] = await Promise.all([deriveTeamKey('himal team 2026', 'fieldbook-test'), deriveTeamKey('another', 'fieldbook-test')]);
});

const asha: Presence = { user: 'u-asha', name: 'Asha Gurung', route: '/contacts/c1', collection: 'contact', recordId: 'c1', isEditing: false };
const bikash: Presence = { user: 'u-bikash', name: 'Bikash Rai', route: '/accounts', collection: '', recordId: '', isEditing: false };
const chandra: Presence = { user: 'u-chandra', name: 'Chandra Magar', route: '/contacts/c1', collection: 'contact', recordId: 'c1', isEditing: true };
const CONTEXT = new TextEncoder().encode('fieldbook:presence:v2');
/** An awareness update with any JSON text as the state (what a buggy or hostile peer could send), sealed with the team key. */
function sealedJson(json: string, client = 11, clock = 1): Promise<Uint8Array> {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, json);
  return seal(key, encoding.toUint8Array(e), CONTEXT);
}

const open: MeetingPresence[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.destroy();
  vi.useRealTimers();
});

function device(id: number, p: Presence | null): MeetingPresence {
  const m = new MeetingPresence(id, p);
  open.push(m);
  return m;
}

/**
 * A full mesh in memory, as mesh.ts wires it: each device sends its own sealed state on every link when it changes,
 * and a receiver opens it (checked, for that link's device only) before applying. Delivery is async, as on a data channel.
 */
function meet(...devices: MeetingPresence[]): { settle: () => Promise<void>; rejected: number } {
  const net = { rejected: 0, inFlight: [] as Promise<void>[], settle: async () => {} };
  net.settle = async () => {
    while (net.inFlight.length > 0) await Promise.all(net.inFlight.splice(0));
  };
  const deliver = (from: MeetingPresence) => {
    const update = from.localUpdate();
    const sent = sealPresenceUpdate(key, update);
    for (const to of devices) {
      if (to === from) continue;
      net.inFlight.push(
        sent
          .then((bytes) => openPresenceUpdate(key, bytes, from.device))
          .then(
            (checked) => to.apply(checked, from.device),
            () => void net.rejected++
          )
      );
    }
  };
  for (const d of devices) {
    d.onLocalUpdate(() => deliver(d));
    deliver(d);
  }
  return net;
}

describe('presence messages', () => {
  it('round-trip sealed; another key, an altered byte, another context or a forged body do not open', async () => {
    const a = device(101, asha);
    const sealed = await sealPresenceUpdate(key, a.localUpdate());
    expect(new TextDecoder().decode(sealed)).not.toContain('Asha');
    expect(decodePresenceUpdate(await openPresenceUpdate(key, sealed, 101))).toEqual([{ client: 101, clock: 1, state: asha }]);
    await expect(openPresenceUpdate(wrongKey, sealed, 101)).rejects.toBeInstanceOf(WrongKeyError);
    const altered = sealed.slice();
    altered[20] ^= 1;
    await expect(openPresenceUpdate(key, altered, 101)).rejects.toBeInstanceOf(WrongKeyError);
    // A sealed sync message, or the old v1 presence format, is never taken for presence.
    await expect(openPresenceUpdate(key, await seal(key, a.localUpdate()), 101)).rejects.toBeInstanceOf(WrongKeyError);
    await expect(openPresenceUpdate(key, await seal(key, a.localUpdate(), new TextEncoder().encode('fieldbook:presence:v1')), 101)).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('refuses, with the team key, a state that breaks the schema, garbled bytes, or a link speaking for another device', async () => {
    const forged = [
      JSON.stringify({ ...asha, collection: 'spaceship' }),
      JSON.stringify({ ...asha, isEditing: 'yes' }),
      JSON.stringify({ ...asha, name: 'y'.repeat(500) }),
      JSON.stringify({ ...asha, extra: '<script>' }),
      JSON.stringify({}),
      '{"user": "u-asha", ',
      '"just a string"'
    ];
    for (const json of forged) await expect(openPresenceUpdate(key, await sealedJson(json, 11), 11), json).rejects.toBeInstanceOf(PresenceError);
    const garbled = await seal(key, new Uint8Array([1, 11, 1, 200]), CONTEXT);
    await expect(openPresenceUpdate(key, garbled, 11)).rejects.toBeInstanceOf(PresenceError);
    const trailing = await seal(key, new Uint8Array([...encodePresenceUpdate([{ client: 11, clock: 1, state: asha }]), 0]), CONTEXT);
    await expect(openPresenceUpdate(key, trailing, 11)).rejects.toBeInstanceOf(PresenceError);
    const other = await sealPresenceUpdate(key, encodePresenceUpdate([{ client: 12, clock: 1, state: bikash }]));
    await expect(openPresenceUpdate(key, other, 11)).rejects.toThrow(/another device/);
    const both = await sealPresenceUpdate(key, encodePresenceUpdate([{ client: 11, clock: 1, state: asha }, { client: 12, clock: 9, state: null }]));
    await expect(openPresenceUpdate(key, both, 11)).rejects.toBeInstanceOf(PresenceError);
    // A null state (the device left) is valid; an empty name shows as the user id.
    expect(decodePresenceUpdate(await openPresenceUpdate(key, await sealedJson('null', 11, 4), 11))).toEqual([{ client: 11, clock: 4, state: null }]);
    const nameless = await sealPresenceUpdate(key, encodePresenceUpdate([{ client: 11, clock: 2, state: { ...asha, name: '' } }]));
    expect(decodePresenceUpdate(await openPresenceUpdate(key, nameless, 11))[0].state?.name).toBe('u-asha');
  });
});

describe('a meeting’s presence (awareness)', () => {
  it('three devices see one another, follow changes, and never see themselves', async () => {
    const [a, b, c] = [device(1, asha), device(2, bikash), device(3, chandra)];
    const net = meet(a, b, c);
    await net.settle();
    expect(a.get(2)).toEqual(bikash);
    expect(a.get(3)).toEqual(chandra);
    expect([...b.others().keys()].sort()).toEqual([1, 3]);
    expect(c.get(3)).toBeNull();
    expect(c.others().get(1)).toEqual(asha);

    const seen: number[] = [];
    c.onChange(() => seen.push(c.get(2)?.recordId === 'a9' ? 1 : 0));
    b.setLocal({ ...bikash, route: '/accounts/a9', collection: 'account', recordId: 'a9', isEditing: true });
    await net.settle();
    expect(a.get(2)).toMatchObject({ collection: 'account', recordId: 'a9', isEditing: true });
    expect(c.get(2)).toMatchObject({ recordId: 'a9' });
    expect(seen).toEqual([1]);
    expect(net.rejected).toBe(0);
  });

  it('orders by clock: an older state that arrives late never replaces a newer one', async () => {
    const a = device(1, asha);
    const b = device(2, null);
    const old = await openPresenceUpdate(key, await sealPresenceUpdate(key, a.localUpdate()), 1);
    a.setLocal({ ...asha, route: '/contacts/c2', recordId: 'c2' });
    const newer = await openPresenceUpdate(key, await sealPresenceUpdate(key, a.localUpdate()), 1);
    b.apply(newer, 'link');
    b.apply(old, 'link');
    expect(b.get(1)?.recordId).toBe('c2');
    // The same clock again changes nothing either (a duplicate).
    const changes = vi.fn();
    b.onChange(changes);
    b.apply(newer, 'link');
    expect(changes).not.toHaveBeenCalled();
  });

  it('a device that leaves sends a null state and disappears at once; a dropped link removes its state too', async () => {
    const [a, b, c] = [device(1, asha), device(2, bikash), device(3, chandra)];
    const net = meet(a, b, c);
    await net.settle();
    a.destroy();
    await net.settle();
    expect(b.get(1)).toBeNull();
    expect(c.get(1)).toBeNull();
    expect(c.get(2)).toEqual(bikash);

    // B's link to C drops (no message at all): the mesh calls drop, and C's badge for B goes.
    const gone = vi.fn();
    c.onChange(gone);
    c.drop(2);
    expect(c.get(2)).toBeNull();
    expect(gone).toHaveBeenCalledTimes(1);
    expect(c.others().size).toBe(0);
  });

  it('a device that reloads (same client id, clock back at 1) is seen again once its old link was dropped', async () => {
    const a = device(1, asha);
    const b = device(2, bikash);
    for (let i = 0; i < 5; i++) a.setLocal({ ...asha, route: `/contacts/c${i}` });
    b.apply(await openPresenceUpdate(key, await sealPresenceUpdate(key, a.localUpdate()), 1), 'old link');
    expect(b.get(1)?.route).toBe('/contacts/c4');
    const reloaded = device(1, { ...asha, route: '/accounts' });
    const first = await openPresenceUpdate(key, await sealPresenceUpdate(key, reloaded.localUpdate()), 1);
    // Without forgetting the old clock, awareness would ignore the reloaded device's low clock…
    b.apply(first, 'new link');
    expect(b.get(1)?.route).toBe('/contacts/c4');
    // …so the old link's end drops its state and its clock, and the new session is taken.
    b.drop(1);
    b.apply(first, 'new link');
    expect(b.get(1)?.route).toBe('/accounts');
  });

  it('renews its own state every half timeout, and a peer that stops renewing times out', () => {
    vi.useFakeTimers();
    const a = device(1, asha);
    const b = device(2, bikash);
    /**
     * Awareness reads the time through lib0's `getUnixTime`, a reference to the real Date.now taken at import, which
     * fake timers cannot move. Time passes here by ageing every last-heard stamp, then letting Awareness's own check
     * (every outdatedTimeout / 10) run.
     */
    const elapse = (ms: number) => {
      for (const d of [a, b]) for (const meta of d.awareness.meta.values()) meta.lastUpdated -= ms;
      vi.advanceTimersByTime(outdatedTimeout / 10);
    };
    let renewals = 0;
    a.onLocalUpdate(() => renewals++);
    b.apply(a.localUpdate(), 'link');
    expect(b.get(1)).toEqual(asha);
    elapse(outdatedTimeout / 2 - outdatedTimeout / 10);
    expect(renewals).toBe(0);
    elapse(outdatedTimeout / 10);
    expect(renewals).toBe(1);
    // A renewal that arrives keeps A present past the timeout…
    b.apply(a.localUpdate(), 'link');
    elapse(outdatedTimeout - outdatedTimeout / 5);
    expect(b.get(1)).toEqual(asha);
    // …and without one (A's page hangs with its link open) A is removed.
    const gone = vi.fn();
    b.onChange(gone);
    elapse(outdatedTimeout / 5);
    expect(b.get(1)).toBeNull();
    expect(gone).toHaveBeenCalledTimes(1);
  });
});

describe('presenceOfPath', () => {
  it('names the record a detail page shows, and nothing on lists, new-record forms and other screens', () => {
    expect(presenceOfPath('/contacts/0190abc')).toEqual({ route: '/contacts/0190abc', collection: 'contact', recordId: '0190abc' });
    expect(presenceOfPath('/opportunities/o7/')).toMatchObject({ collection: 'opportunity', recordId: 'o7' });
    expect(presenceOfPath('/accounts')).toMatchObject({ collection: '', recordId: '' });
    expect(presenceOfPath('/accounts/new')).toMatchObject({ collection: '', recordId: '' });
    expect(presenceOfPath('/sync')).toMatchObject({ collection: '', recordId: '' });
    expect(presenceOfPath('/')).toMatchObject({ route: '/', collection: '' });
  });
});
