// Meeting rooms in Node: the real y-webrtc signaling server (scripts/signal.js), fake WebRTC links, real sync sessions on fake-indexeddb.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error ws ships no type declarations and @types/ws is not a dependency; only its constructor is used
import WebSocket from 'ws';
import { createContact, createRecords, deleteContact, updateContact } from '../commands';
import { memoryWorkspace } from '../testing';
import { deriveTeamKey } from './crypto';
import { FakeNetwork } from './fake-webrtc';
import {
  formatRoomCode,
  joinMesh,
  newRoomCode,
  normaliseRoomCode,
  normaliseSignalingUrl,
  openSignal,
  roomTopic,
  sealSignal,
  SignalingConnection,
  ROOM_CODE_ALPHABET,
  type Mesh,
  type MeshOptions,
  type SignalMessage,
  type SocketConstructor
} from './mesh';
import { encodePresenceUpdate, sealPresenceUpdate, type Presence } from './presence';
import { readModel } from './rebuild';
import type { Workspace } from './workspace';

const SIGNAL_JS = fileURLToPath(new URL('../../../../scripts/signal.js', import.meta.url));
const WORKSPACE = 'mesh-test';
const PASSWORD = 'himal team 2026';
const Socket = WebSocket as unknown as SocketConstructor;

let signalUrl = '';
let server: ChildProcess;
let key: CryptoKey;
let wrongKey: CryptoKey;

beforeAll(async () => {
  server = spawn(process.execPath, [SIGNAL_JS, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  signalUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signal.js did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (ws:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`signal.js exited with ${code}:\n${output}`)));
  });
  [key, wrongKey] = await Promise.all([deriveTeamKey(PASSWORD, WORKSPACE), deriveTeamKey('another password', WORKSPACE)]);
});

afterAll(() => {
  server?.kill('SIGTERM');
});

const meshes: Mesh[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((m) => m.leave()));
});

const until = (assertion: () => Promise<void> | void, timeout = 20_000) => vi.waitFor(assertion, { timeout, interval: 25 });

async function join(ws: Workspace, network: FakeNetwork, topic: string, o: Partial<MeshOptions> = {}): Promise<Mesh> {
  const mesh = joinMesh({ ws, key, topic, signaling: [signalUrl], Socket, PeerConnection: network.peerConnection(String(ws.device)), announceEveryMs: 1000, retryMs: 100, ...o });
  meshes.push(mesh);
  return mesh;
}

const expectSameData = async (...peers: Workspace[]) => {
  const first = await readModel(peers[0]);
  for (const p of peers.slice(1)) expect(await readModel(p)).toEqual(first);
};
const liveWith = (mesh: Mesh, n: number) => mesh.peers.filter((p) => p.state === 'live').length === n;

/** A plain subscriber on the signaling server: what the server (or anyone on it) can see. */
async function eavesdrop(topic: string): Promise<{ messages: { data: unknown }[]; socket: { close(): void; send(s: string): void } }> {
  const socket = new WebSocket(signalUrl) as { on(e: string, f: (d: unknown) => void): void; send(s: string): void; close(): void };
  const messages: { data: unknown }[] = [];
  await new Promise<void>((resolve) => socket.on('open', () => resolve()));
  socket.on('message', (d) => messages.push(JSON.parse(String(d)) as { data: unknown }));
  socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
  return { messages, socket };
}

describe('room codes and addresses', () => {
  it('makes short unambiguous codes, accepts them as people type them, and hashes code and team into the topic', async () => {
    for (let i = 0; i < 200; i++) {
      const code = newRoomCode();
      expect(code).toMatch(new RegExp(`^[${ROOM_CODE_ALPHABET}]{6}$`));
      expect(normaliseRoomCode(formatRoomCode(code).toLowerCase())).toBe(code);
    }
    expect(normaliseRoomCode(' k7p 2qx ')).toBe('K7P2QX');
    expect(normaliseRoomCode('K7P2Q')).toBeNull();
    expect(normaliseRoomCode('K7P2Q0')).toBeNull(); // 0 is not used: it reads like O
    const a = await roomTopic(WORKSPACE, 'K7P2QX');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await roomTopic(WORKSPACE, 'K7P2QX')).toBe(a);
    expect(await roomTopic(WORKSPACE, 'K7P2QY')).not.toBe(a);
    expect(await roomTopic('another workspace', 'K7P2QX')).not.toBe(a);
  });

  it('turns a typed signaling address into a ws:// URL or says what is wrong', () => {
    expect(normaliseSignalingUrl('192.168.1.20:4444')).toBe('ws://192.168.1.20:4444');
    expect(normaliseSignalingUrl('http://laptop.local:4444/')).toBe('ws://laptop.local:4444');
    expect(() => normaliseSignalingUrl('ftp://x')).toThrow(/ws:\/\//);
    expect(() => normaliseSignalingUrl('ws://192.168.1.20:4444', 'https:')).toThrow(/wss:\/\//);
    expect(normaliseSignalingUrl('ws://localhost:4444', 'https:')).toBe('ws://localhost:4444');
  });
});

describe('signaling', () => {
  it('seals every message: the server sees only ciphertext, and messages under another key or topic do not open', async () => {
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const m: SignalMessage = { type: 'announce', mid: '0123456789abcdef', from: 'ab'.repeat(16), device: 4242 };
    const data = await sealSignal(key, topic, m);
    expect(data).not.toContain('announce');
    expect(await openSignal(key, topic, data)).toEqual(m);
    expect(await openSignal(wrongKey, topic, data)).toBeNull();
    expect(await openSignal(key, `${topic.slice(1)}0`, data)).toBeNull();
    expect(await openSignal(key, topic, 'not base64 at all!')).toBeNull();
    expect(await openSignal(key, topic, { not: 'a string' })).toBeNull();
  });

  it('sends messages in the order they were published, however long each takes to seal (an offer before its candidates)', async () => {
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const received: SignalMessage[] = [];
    const listener = new SignalingConnection(signalUrl, topic, key, Socket, { message: (m) => received.push(m), state: () => undefined });
    const sender = new SignalingConnection(signalUrl, topic, key, Socket, { message: () => undefined, state: () => undefined });
    await until(() => expect(listener.state === 'connected' && sender.state === 'connected').toBe(true));
    const from = 'ab'.repeat(16);
    const to = 'cd'.repeat(16);
    const link = '0123456789abcdef';
    // The offer's sealing is held back (a busy crypto thread pool finishes jobs in any order): its candidates, published
    // right after it, must still go out after it, or the peer drops them as candidates of a link it does not know yet.
    const encrypt = crypto.subtle.encrypt.bind(crypto.subtle);
    const slowFirst = vi.spyOn(crypto.subtle, 'encrypt').mockImplementationOnce(async (...args: Parameters<SubtleCrypto['encrypt']>) => {
      await new Promise((r) => setTimeout(r, 100));
      return encrypt(...args);
    });
    const sent: SignalMessage[] = [{ type: 'offer', mid: '1000000000000000', from, to, link, device: 7, sdp: 'v=0 fake offer' }];
    for (let i = 1; i <= 5; i++) sent.push({ type: 'candidate', mid: `${i}`.padStart(16, '0'), from, to, link, candidate: { candidate: `candidate:${i} 1 udp 1 10.0.0.${i} 9 typ host` } });
    for (const m of sent) void sender.publish(m);
    await until(() => expect(received).toHaveLength(sent.length));
    slowFirst.mockRestore();
    expect(received.map((m) => m.mid)).toEqual(sent.map((m) => m.mid));
    listener.close();
    sender.close();
  });

  it('two devices meet through the server, which relays only sealed data', async () => {
    const network = new FakeNetwork();
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const spy = await eavesdrop(topic);
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createContact(a, { firstName: 'Sita', lastName: 'Gurung', email: 'sita@example.com.np' });
    const ma = await join(a, network, topic);
    const mb = await join(b, network, topic);
    await until(() => expect(liveWith(ma, 1) && liveWith(mb, 1)).toBe(true));
    await expectSameData(a, b);
    spy.socket.close();
    expect(spy.messages.length).toBeGreaterThan(3);
    const seen = JSON.stringify(spy.messages);
    for (const secret of [ma.peerId, mb.peerId, 'offer', 'candidate', 'fake-', String(a.device)]) expect(seen).not.toContain(secret);
  });
});

describe('a meeting', () => {
  it('two devices that edited offline converge: different fields both kept, the same field listed as a conflict, delete vs edit keeps the record', async () => {
    const network = new FakeNetwork();
    const a = memoryWorkspace({ user: () => 'asha' });
    const b = memoryWorkspace({ user: () => 'bikash' });
    const sita = await createContact(a, { firstName: 'Sita', lastName: 'Gurung' });
    const ram = await createContact(a, { firstName: 'Ram', lastName: 'Thapa' });
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    let [ma, mb] = [await join(a, network, topic), await join(b, network, topic)];
    await until(() => expect(liveWith(ma, 1) && liveWith(mb, 1)).toBe(true));
    await Promise.all([ma.leave(), mb.leave()]);

    await updateContact(a, sita.id, { title: 'Owner' });
    await updateContact(b, sita.id, { phone: '+977 9800000001' });
    await updateContact(a, ram.id, { notes: 'from Asha' });
    await updateContact(b, ram.id, { notes: 'from Bikash' });
    await deleteContact(a, ram.id);
    await createContact(b, { firstName: 'Hari', lastName: 'Rai' });

    [ma, mb] = [await join(a, network, topic), await join(b, network, topic)];
    await until(() => expect(liveWith(ma, 1) && liveWith(mb, 1)).toBe(true));
    await expectSameData(a, b);
    const merged = await a.db.rows('contact').get(sita.id);
    expect(merged).toMatchObject({ title: 'Owner', phone: '+977 9800000001' });
    expect((await a.db.rows('contact').toArray()).length).toBe(3);
    expect((await a.db.conflicts.toArray()).map((c) => c.path)).toContain('notes');
    expect((await b.db.conflicts.toArray()).map((c) => c.path)).toContain('notes');
    expect(ma.peers[0].syncedAt).not.toBeNull();
  });

  it('three devices where one pair cannot connect still converge (changes are forwarded), and live edits reach everyone', async () => {
    const network = new FakeNetwork();
    const [a, b, c] = [memoryWorkspace(), memoryWorkspace(), memoryWorkspace()];
    await createRecords(a, 'contact', [{ firstName: 'A1', lastName: 'Rai' }]);
    await createRecords(b, 'contact', [{ firstName: 'B1', lastName: 'Rai' }]);
    await createRecords(c, 'contact', [{ firstName: 'C1', lastName: 'Rai' }]);
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    network.block(String(a.device), String(c.device));
    const ma = await join(a, network, topic, { connectTimeoutMs: 1500 });
    const mb = await join(b, network, topic);
    const mc = await join(c, network, topic, { connectTimeoutMs: 1500 });
    await until(() => expect(liveWith(mb, 2) && liveWith(mc, 1) && liveWith(ma, 1)).toBe(true));
    await until(() => expectSameData(a, b, c));
    await createContact(a, { firstName: 'Live', lastName: 'FromA' });
    await until(async () => expect((await c.db.rows('contact').toArray()).some((r) => r.firstName === 'Live')).toBe(true));
    expect(mc.peers.find((p) => p.device === a.device)?.state ?? 'connecting').not.toBe('live');
  });

  it('a device that drops mid-sync shows as failed, and converges when it comes back (a reload: new peer id, same device)', async () => {
    const network = new FakeNetwork(2);
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createRecords(
      a,
      'contact',
      Array.from({ length: 1500 }, (_, i) => ({ firstName: `P${i}`, lastName: 'Shrestha', notes: 'x'.repeat(200) }))
    );
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const ma = await join(a, network, topic);
    const mb = await join(b, network, topic);
    await until(() => expect((mb.peers[0]?.stats?.bytesReceived ?? 0) > 0).toBe(true));
    network.cut(network.of(String(b.device)).at(-1)!);
    await until(() => expect(ma.peers[0]?.state).toMatch(/failed|closed/));
    await mb.leave();
    const mb2 = await join(b, network, topic);
    await until(() => expect(liveWith(ma, 1) && liveWith(mb2, 1)).toBe(true), 60_000);
    expect(ma.peers).toHaveLength(1);
    await expectSameData(a, b);
  });

  it('a device with another password cannot join: its messages do not open, no link is made, nothing is exchanged', async () => {
    const network = new FakeNetwork();
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createContact(a, { firstName: 'Secret', lastName: 'Record' });
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const ma = await join(a, network, topic);
    // The intruder is on the same topic (it is not derived from the password): it hears the team, but cannot open a word.
    const mb = await join(b, network, topic, { key: wrongKey });
    await until(() => expect(ma.ignoredSignals).toBeGreaterThan(0));
    await until(() => expect(mb.ignoredSignals).toBeGreaterThan(0));
    expect(ma.peers).toEqual([]);
    expect(mb.peers).toEqual([]);
    expect(network.all).toHaveLength(0);
    expect(await b.db.rows('contact').count()).toBe(0);
  });

  it('shares presence among three devices: who is there and which record each shows; a dropped link removes it until the link is back', async () => {
    const network = new FakeNetwork();
    const [a, b, c] = [memoryWorkspace(), memoryWorkspace(), memoryWorkspace()];
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const asha: Presence = { user: 'asha', name: 'Asha Gurung', route: '/contacts/c1', collection: 'contact', recordId: 'c1', isEditing: false };
    const ma = await join(a, network, topic, { presence: asha });
    // What B's screen showed for A at every change, to catch the moment A's link is down.
    const seenOnB: { state: string; name: string | null }[] = [];
    const mb: Mesh = await join(b, network, topic, {
      presence: { user: 'bikash', name: 'Bikash Rai', route: '/accounts', collection: '', recordId: '', isEditing: false },
      onChange: () => {
        const peerA = mb?.peers.find((p) => p.device === a.device);
        if (peerA) seenOnB.push({ state: peerA.state, name: peerA.presence?.name ?? null });
      }
    });
    const mc = await join(c, network, topic, { presence: { user: 'chandra', name: 'Chandra Magar', route: '/', collection: '', recordId: '', isEditing: false } });
    const names = (m: Mesh) => m.peers.map((p) => p.presence?.name ?? '').sort();
    await until(() => {
      expect(names(ma)).toEqual(['Bikash Rai', 'Chandra Magar']);
      expect(names(mb)).toEqual(['Asha Gurung', 'Chandra Magar']);
      expect(names(mc)).toEqual(['Asha Gurung', 'Bikash Rai']);
    });
    ma.setPresence({ ...asha, route: '/accounts/a9', collection: 'account', recordId: 'a9', isEditing: true });
    for (const m of [mb, mc]) await until(() => expect(m.peers.find((p) => p.device === a.device)?.presence).toMatchObject({ collection: 'account', recordId: 'a9', isEditing: true }));

    // A's link to B drops without a word: B stops showing A's presence at once, and shows it again (the current state)
    // once the link is rebuilt: each link is a fresh awareness session, so A's unchanged clock is taken again.
    seenOnB.length = 0;
    const linkAB = network.all.find((pc) => pc.connectionState === 'connected' && pc.owner === String(a.device) && pc.remote?.owner === String(b.device))!;
    network.cut(linkAB);
    const isDown = (s: { state: string }) => s.state === 'closed' || s.state === 'failed';
    await until(() => expect(seenOnB.some(isDown)).toBe(true));
    expect(seenOnB.filter(isDown).every((s) => s.name === null)).toBe(true);
    await until(() => expect(mb.peers.find((p) => p.device === a.device)).toMatchObject({ state: 'live', presence: { recordId: 'a9', isEditing: true } }));
    // C's link to A never dropped: it kept A all along.
    expect(mc.peers.find((p) => p.device === a.device)?.presence?.recordId).toBe('a9');
    expect(ma.rejectedPresence + mb.rejectedPresence + mc.rejectedPresence).toBe(0);

    // B reloads (same device, a new awareness whose clock starts again): A sees its new state.
    await mb.leave();
    await until(() => expect(ma.peers.some((p) => p.device === b.device)).toBe(false), 5000);
    const mb2 = await join(b, network, topic, { presence: { user: 'bikash', name: 'Bikash Rai', route: '/contacts/c7', collection: 'contact', recordId: 'c7', isEditing: false } });
    await until(() => expect(ma.peers.find((p) => p.device === b.device)?.presence?.recordId).toBe('c7'));
    await until(() => expect(names(mb2)).toEqual(['Asha Gurung', 'Chandra Magar']));

    // Leaving removes A from both at once (its null state and its bye), without waiting for a timeout.
    await ma.leave();
    await until(() => {
      expect(mb2.peers.some((p) => p.device === a.device)).toBe(false);
      expect(mc.peers.some((p) => p.device === a.device)).toBe(false);
    }, 5000);
  });

  it('a peer that sends garbled or forged presence is ignored and counted; its sync and its real presence go on', async () => {
    const network = new FakeNetwork();
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const ma = await join(a, network, topic);
    const mallory: Presence = { user: 'mallory', name: 'Mallory', route: '/contacts/c1', collection: 'contact', recordId: 'c1', isEditing: true };
    // B holds the team key but misbehaves on the presence channel before its own (valid) presence goes out.
    const Hostile = class extends network.peerConnection('hostile') {
      createDataChannel(label: string, init: { negotiated: true; id: number; ordered: true }) {
        const dc = super.createDataChannel(label, init);
        if (label === 'fieldbook-presence') {
          dc.addEventListener('open', async () => {
            const forged = [
              new Uint8Array([1, 2, 3, 4, 5]),
              // Speaks for another device (A itself).
              await sealPresenceUpdate(key, encodePresenceUpdate([{ client: a.device, clock: 99, state: mallory }])),
              // A state the schema refuses.
              await sealPresenceUpdate(key, encodePresenceUpdate([{ client: b.device, clock: 99, state: { ...mallory, collection: 'spaceship' as 'contact' } }])),
              // Right shape, wrong key.
              await sealPresenceUpdate(wrongKey, encodePresenceUpdate([{ client: b.device, clock: 99, state: mallory }]))
            ];
            for (const bytes of forged) dc.send(bytes as Uint8Array<ArrayBuffer>);
          });
        }
        return dc;
      }
    };
    await join(b, network, topic, { PeerConnection: Hostile, presence: { user: 'bikash', name: 'Bikash Rai', route: '/', collection: '', recordId: '', isEditing: false } });
    await until(() => expect(ma.rejectedPresence).toBe(4));
    await until(() => expect(ma.peers[0]).toMatchObject({ state: 'live', presence: { name: 'Bikash Rai' } }));
  });

  it('a peer that sends garbage frames is refused: the session stops with a plain message, local data is intact, and it is not retried', async () => {
    const network = new FakeNetwork();
    const a = memoryWorkspace();
    const b = memoryWorkspace();
    await createContact(a, { firstName: 'Kept', lastName: 'Safe' });
    const before = await readModel(a);
    const topic = await roomTopic(WORKSPACE, newRoomCode());
    const ma = await join(a, network, topic);
    // B's side is hostile: as soon as its sync channel opens it writes junk on the wire.
    const Hostile = class extends network.peerConnection('hostile') {
      createDataChannel(label: string, init: { negotiated: true; id: number; ordered: true }) {
        const dc = super.createDataChannel(label, init);
        if (label === 'fieldbook-sync') dc.addEventListener('open', () => dc.send(new Uint8Array([0xfb, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 99])));
        return dc;
      }
    };
    await join(b, network, topic, { PeerConnection: Hostile });
    await until(() => expect(ma.peers[0]?.state).toBe('failed'));
    expect(ma.peers[0].error).toMatch(/not valid sync traffic/);
    expect(await readModel(a)).toEqual(before);
    // A neither calls the hostile device again nor answers it: no new connection of A's, the link stays refused. (The
    // other side may try again: whether its session saw A's refusal or only the close first is a race of its own.)
    const links = network.of(String(a.device)).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(network.of(String(a.device)).length).toBe(links);
    expect(ma.peers[0].state).toBe('failed');
  });
});
