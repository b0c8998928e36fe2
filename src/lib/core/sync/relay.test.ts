// Relay sync against the real @y/websocket-server (scripts/relay.js, y-leveldb on disk): devices that never meet converge, the server holds only ciphertext.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error ws ships no type declarations and @types/ws is not a dependency; only its constructor is used
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createContact, createRecords, deleteContact, updateContact } from '../commands';
import { memoryWorkspace } from '../testing';
import { deriveTeamKey, roomName } from './crypto';
import { formatStamp } from './hlc';
import { readModel } from './rebuild';
import { recordsOf } from './record-map';
import { normaliseRelayUrl, RelayError, sealEntry, startRelaySync, type RelayOptions, type RelaySync } from './relay';
import type { Workspace } from './workspace';

const RELAY_JS = fileURLToPath(new URL('../../../../scripts/relay.js', import.meta.url));
const WORKSPACE = 'relay-test';
const PASSWORD = 'himal team 2026';
/** A contact name that must never appear on the server. */
const SECRET_NAME = 'Zebulon Quartzfield';

type Relay = { url: string; stop: () => Promise<void> };
const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-relay-test-'));
const running = new Set<ChildProcess>();

/** Starts scripts/relay.js on a free loopback port, the way a team would (as `node`, so stop ends the real server). */
async function startRelay(dir = dataDir): Promise<Relay> {
  const child = spawn(process.execPath, [RELAY_JS, '--host', '127.0.0.1', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay.js did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (ws:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relay.js exited with ${code}:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    running.delete(child);
  };
  return { url, stop };
}

let key: CryptoKey;
let wrongKey: CryptoKey;
let room: string;
/** Rooms of their own for tests that must not see the others' entries. */
let compactionRoom: string;
let splitRoom: string;
let relay: Relay;
const syncs: RelaySync[] = [];

beforeAll(async () => {
  [key, wrongKey, room, compactionRoom, splitRoom] = await Promise.all([
    deriveTeamKey(PASSWORD, WORKSPACE),
    deriveTeamKey('himal team 2025', WORKSPACE),
    roomName(PASSWORD, WORKSPACE),
    roomName(PASSWORD, `${WORKSPACE}-compaction`),
    roomName(PASSWORD, `${WORKSPACE}-split`)
  ]);
  relay = await startRelay();
});

afterAll(async () => {
  await Promise.all(syncs.map((s) => s.stop()));
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

type Started = { sync: RelaySync; errors: RelayError[] };

function connect(ws: Workspace, o: Partial<RelayOptions> = {}): Started {
  const errors: RelayError[] = [];
  const secret = 'password' in o || 'key' in o ? {} : { key, room };
  const sync = startRelaySync(ws, { url: relay.url, ...secret, ...o, WebSocketPolyfill: WebSocket, onError: (e) => errors.push(e) } as RelayOptions);
  syncs.push(sync);
  return { sync, errors };
}

/** Polls until the assertion holds: syncs finish on their own schedule, never after a fixed sleep. */
const until = (assertion: () => Promise<void> | void) => vi.waitFor(assertion, { timeout: 30_000, interval: 50 });
const sameData = async (a: Workspace, b: Workspace) => expect(await readModel(b)).toEqual(await readModel(a));
const contactOf = async (ws: Workspace, id: string) => (await ws.db.rows('contact').get(id)) as Record<string, unknown> | undefined;

/** A room's doc as the server holds it: what any client of the room receives. */
async function serverEnvelope(name = room): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(relay.url, name, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  provider.destroy();
  return doc;
}

const contains = (haystack: Uint8Array, needle: Uint8Array): boolean => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('relay sync through @y/websocket-server', () => {
  const a = memoryWorkspace({ user: () => 'asha' });
  const b = memoryWorkspace({ user: () => 'bikash' });
  const ids: Record<string, string> = {};

  it('brings a second device everything the first one has, through the relay only', async () => {
    ids.c1 = (await createContact(a, { firstName: 'Sita', lastName: 'Gurung', phone: '+977 9801000001' })).id;
    ids.c2 = (await createContact(a, { firstName: 'Ram', lastName: 'Thapa' })).id;
    ids.c3 = (await createContact(a, { firstName: 'Hari', lastName: 'Rai' })).id;
    ids.secret = (await createContact(a, { firstName: 'Zebulon', lastName: 'Quartzfield', notes: `${SECRET_NAME} buys 40 handsets a month` })).id;
    await createRecords(
      a,
      'contact',
      Array.from({ length: 300 }, (_, i) => ({ firstName: `Bulk${i}`, lastName: 'Tamang', email: `bulk${i}@example.com.np` }))
    );

    const sa = connect(a, { password: PASSWORD, workspace: WORKSPACE });
    await sa.sync.whenSynced;
    expect(sa.sync.stats.entriesWritten).toBeGreaterThan(0);
    const sb = connect(b, { password: PASSWORD, workspace: WORKSPACE });
    await sb.sync.whenSynced;
    await until(() => sameData(a, b));
    expect(sb.sync.stats.entriesWritten).toBe(0); // nothing came back: B published only what the relay lacked
    expect(sa.errors).toEqual([]);
    expect(sb.errors).toEqual([]);

    // Live, both ways: changes made while both are connected arrive without reconnecting.
    await updateContact(a, ids.c2, { title: 'Shop owner' });
    await until(async () => expect((await contactOf(b, ids.c2))?.title).toBe('Shop owner'));
    await updateContact(b, ids.c3, { title: 'Driver' });
    await until(async () => expect((await contactOf(a, ids.c3))?.title).toBe('Driver'));

    // A change that reached A from a meeting-room peer (applyRemote) goes on to the relay too.
    const peer = memoryWorkspace({ user: () => 'meena' });
    const met = await createContact(peer, { firstName: 'Meena', lastName: 'Gurung' });
    const metDoc = (await peer.db.rows('contact').get(met.id))!._doc as string;
    await a.applyRemote(metDoc, Y.encodeStateAsUpdate(await peer.doc(metDoc)));
    await until(async () => expect((await contactOf(b, met.id))?.firstName).toBe('Meena'));
    await until(() => sameData(a, b));
    await Promise.all([sa.sync.stop(), sb.sync.stop()]);
  });

  it('merges offline edits on both devices: different fields, the same field, a delete, new records', async () => {
    // Both offline (no relay sync running).
    await updateContact(a, ids.c1, { email: 'sita@example.com.np' });
    await updateContact(b, ids.c1, { title: 'Purchasing manager' });
    await updateContact(a, ids.c2, { lastName: 'Thapa Magar' });
    await updateContact(b, ids.c2, { lastName: 'Thapa-Magar' });
    await deleteContact(a, ids.c3);
    ids.c4 = (await createContact(b, { firstName: 'Gita', lastName: 'Shrestha' })).id;
    ids.c5 = (await createContact(a, { firstName: 'Bishnu', lastName: 'Karki' })).id;

    const sa = connect(a);
    const sb = connect(b);
    await Promise.all([sa.sync.whenSynced, sb.sync.whenSynced]);
    await until(() => sameData(a, b));

    const c1 = await contactOf(b, ids.c1);
    expect([c1?.email, c1?.title]).toEqual(['sita@example.com.np', 'Purchasing manager']);
    expect((await contactOf(a, ids.c3))?._del).toBe(1);
    expect((await contactOf(b, ids.c3))?._del).toBe(1);
    expect(await contactOf(a, ids.c4)).toBeDefined();
    expect(await contactOf(b, ids.c5)).toBeDefined();
    // Same field: one winner everywhere, the other value kept for review on both devices.
    expect((await contactOf(a, ids.c2))?.lastName).toBe((await contactOf(b, ids.c2))?.lastName);
    expect((await a.db.conflicts.toArray()).map((c) => c.recordId)).toContain(ids.c2);
    expect((await b.db.conflicts.toArray()).map((c) => c.recordId)).toContain(ids.c2);
    expect([...sa.errors, ...sb.errors]).toEqual([]);
    await Promise.all([sa.sync.stop(), sb.sync.stop()]);
  });

  it('leaves only ciphertext on the server: no names, no doc ids, in its doc or its files', async () => {
    const envelope = await serverEnvelope();
    const entries = envelope.getMap<Uint8Array>('entries');
    expect(entries.size).toBeGreaterThan(3);
    const secret = utf8(SECRET_NAME);
    const docIdText = utf8('contact/');
    for (const [k, value] of entries) {
      expect(k).toMatch(/^[0-9a-f]{12}\.[0-9a-z]+$/);
      expect(contains(value, secret)).toBe(false);
      expect(contains(value, docIdText)).toBe(false);
    }
    const state = Y.encodeStateAsUpdate(envelope);
    expect(contains(state, secret)).toBe(false);
    expect(contains(state, utf8('Zebulon'))).toBe(false);

    // The same search finds the name where it is in clear: on the device, and on disk when a plain Yjs doc is stored.
    const localDoc = await a.doc((await a.db.rows('contact').get(ids.secret))!._doc as string);
    expect(contains(Y.encodeStateAsUpdate(localDoc), secret)).toBe(true);
    const canaryRoom = 'f'.repeat(64);
    const canary = new Y.Doc();
    canary.getMap('plain').set('name', `${SECRET_NAME} canary`);
    const provider = new WebsocketProvider(relay.url, canaryRoom, canary, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    await until(async () => expect((await serverEnvelope(canaryRoom)).getMap('plain').get('name')).toBeDefined());
    provider.destroy();

    await relay.stop();
    const files = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)));
    expect(files.some((f) => contains(f, utf8(`${SECRET_NAME} canary`)))).toBe(true);
    const withoutCanary = files.map((f) => Buffer.from(f).toString('latin1').replaceAll(`${SECRET_NAME} canary`, ''));
    expect(withoutCanary.some((f) => f.includes(SECRET_NAME) || f.includes('Quartzfield') || f.includes('contact/b'))).toBe(false);
    relay = await startRelay();
  });

  it('gives a third, fresh device everything after the relay restarted from its data directory', async () => {
    const c = memoryWorkspace({ user: () => 'chandra' });
    const sc = connect(c);
    await sc.sync.whenSynced;
    await until(() => sameData(a, c));
    expect((await contactOf(c, ids.secret))?.lastName).toBe('Quartzfield');
    expect(sc.errors).toEqual([]);
    await sc.sync.stop();
  });

  it('applies nothing with the wrong password and says so once', async () => {
    const d = memoryWorkspace({ user: () => 'dil' });
    const sd = connect(d, { key: wrongKey, room });
    await sd.sync.whenSynced;
    expect(sd.sync.stats.unreadable).toBeGreaterThan(0);
    expect(sd.errors.map((e) => e.kind)).toEqual(['wrong-password']);
    expect(sd.errors[0].message).toMatch(/different password/);
    expect(await readModel(d)).toEqual(new Map());
    await sd.sync.stop();
  });

  it('refuses damaged and invalid entries, reports each, and keeps local data as it was', async () => {
    const before = await readModel(a);
    const docId = (await a.db.rows('contact').get(ids.c1))!._doc as string;
    // A valid Yjs update that carries an invalid email for an existing record.
    const base = await a.doc(docId);
    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(base));
    const record = recordsOf(scratch).get(ids.c1) as Y.Map<unknown>;
    record.set('email|999', ['<script>', formatStamp(Date.UTC(2099, 0, 1), 0, 999), '', 'mallory']);
    const invalid = Y.encodeStateAsUpdate(scratch, Y.encodeStateVector(base));

    const planted = new Y.Doc();
    const provider = new WebsocketProvider(relay.url, room, planted, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    const map = planted.getMap<Uint8Array>('entries');
    const [k1, k2, k3] = ['0badc0ffee00.0', '0badc0ffee00.1', '0badc0ffee00.2'];
    const entries: [string, Uint8Array][] = [
      [k1, crypto.getRandomValues(new Uint8Array(200))],
      [k2, await sealEntry(key, k2, docId, new Uint8Array(300).fill(0xff))],
      [k3, await sealEntry(key, k3, docId, invalid)]
    ];
    planted.transact(() => entries.forEach(([k, v]) => map.set(k, v)));
    const sa = connect(a);
    await sa.sync.whenSynced;
    await sa.sync.idle();
    provider.destroy();

    expect(sa.sync.stats.unreadable).toBe(1);
    expect(sa.sync.stats.refused).toBe(2);
    const kinds = sa.errors.map((e) => e.kind).sort();
    expect(kinds).toEqual(['damaged-entry', 'rejected-update', 'wrong-password']);
    expect(sa.errors.find((e) => e.kind === 'wrong-password')?.message).toMatch(/could not be decrypted/);
    expect(sa.errors.find((e) => e.kind === 'rejected-update')?.message).toMatch(/field email.*unchanged/);
    expect(sa.errors.filter((e) => e.kind !== 'wrong-password').every((e) => e.docId === docId)).toBe(true);
    expect(await readModel(a)).toEqual(before);
    await sa.sync.stop();
  });

  it('replaces a device’s own entries for a doc with one full-state entry, and others still converge', async () => {
    const e = memoryWorkspace({ user: () => 'ekta' });
    const f = memoryWorkspace({ user: () => 'firoz' });
    const se = connect(e, { key, room: compactionRoom, compactAfter: 4, publishDelayMs: 0 });
    await se.sync.whenSynced;
    const id = (await createContact(e, { firstName: 'Kamal', lastName: 'Bhandari' })).id;
    for (let i = 0; i < 12; i++) {
      await updateContact(e, id, { title: `Title ${i}` });
      await se.sync.idle();
    }
    expect(se.sync.stats.entriesWritten).toBeGreaterThanOrEqual(13);
    expect(se.sync.stats.compacted).toBeGreaterThan(0);
    // One doc: at most compactAfter diffs plus one full state stay on the relay, however many edits were made.
    expect((await serverEnvelope(compactionRoom)).getMap('entries').size).toBeLessThanOrEqual(5);
    const sf = connect(f, { key, room: compactionRoom });
    await sf.sync.whenSynced;
    await until(() => sameData(e, f));
    expect((await contactOf(f, id))?.title).toBe('Title 11');
    expect([...se.errors, ...sf.errors]).toEqual([]);
    await Promise.all([se.sync.stop(), sf.sync.stop()]);
  });

  it('splits an update bigger than one entry into parts and reassembles it', async () => {
    const g = memoryWorkspace({ user: () => 'gopal' });
    const h = memoryWorkspace({ user: () => 'hira' });
    await createRecords(
      g,
      'contact',
      Array.from({ length: 200 }, (_, i) => ({ firstName: `Part${i}`, lastName: 'Lama', notes: 'x'.repeat(400) }))
    );
    const sg = connect(g, { key, room: splitRoom, maxEntryBytes: 1024 });
    await sg.sync.whenSynced;
    // Every bucket doc holds several KB here, so each went out as several parts.
    expect(sg.sync.stats.entriesWritten).toBeGreaterThan(2 * (await g.db.docs.count()));
    const sh = connect(h, { key, room: splitRoom });
    await sh.sync.whenSynced;
    await until(() => sameData(g, h));
    expect((await h.db.counter('contact')).live).toBe(200);
    expect([...sg.errors, ...sh.errors]).toEqual([]);
    await Promise.all([sg.sync.stop(), sh.sync.stop()]);
  });
});

describe('an unreachable relay', () => {
  it('says so in plain words, keeps local data, and stops cleanly', async () => {
    const ws = memoryWorkspace({ user: () => 'ishan' });
    await createContact(ws, { firstName: 'Kiran', lastName: 'Lama' });
    const before = await readModel(ws);
    const errors: RelayError[] = [];
    const statuses: string[] = [];
    const sync = startRelaySync(ws, {
      url: 'ws://127.0.0.1:1',
      key,
      room,
      WebSocketPolyfill: WebSocket,
      onError: (e) => errors.push(e),
      onStatus: (s) => statuses.push(s)
    });
    await until(() => expect(errors.map((e) => e.kind)).toEqual(['connection']));
    expect(errors[0].message).toMatch(/Cannot reach the relay at ws:\/\/127\.0\.0\.1:1\. Fieldbook keeps trying/);
    expect(sync.status).toBe('offline');
    await sync.stop();
    expect(sync.status).toBe('stopped');
    expect(statuses).toEqual(['offline', 'stopped']);
    expect(await readModel(ws)).toEqual(before);
  });
});

describe('normaliseRelayUrl', () => {
  it('accepts what people type and refuses what cannot work', () => {
    expect(normaliseRelayUrl('relay.example.org:1234')).toBe('ws://relay.example.org:1234');
    expect(normaliseRelayUrl('https://relay.example.org/fieldbook/')).toBe('wss://relay.example.org/fieldbook');
    expect(normaliseRelayUrl(' ws://10.0.0.5:1234 ')).toBe('ws://10.0.0.5:1234');
    expect(() => normaliseRelayUrl('ftp://x')).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => normaliseRelayUrl('ws://10.0.0.5:1234', 'https:')).toThrow(/wss:\/\//);
    expect(normaliseRelayUrl('ws://localhost:1234', 'https:')).toBe('ws://localhost:1234');
  });
});
