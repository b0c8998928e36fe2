// Protocol messages: every type round-trips, malformed bytes are refused, the password check and the clear/sealed envelope rules hold.
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { deriveTeamKey, seal, WrongKeyError } from './crypto';
import {
  checkHello,
  clearEnvelope,
  decodeMessage,
  encodeMessage,
  helloMessage,
  isClearEnvelope,
  openEnvelope,
  planSync,
  PROTOCOL_VERSION,
  ProtocolError,
  sealedEnvelope,
  sessionContext,
  VersionError,
  type Message
} from './protocol';

let key: CryptoKey;
let otherKey: CryptoKey;
beforeAll(async () => {
  [key, otherKey] = await Promise.all([deriveTeamKey('team secret', 'ws'), deriveTeamKey('not it', 'ws')]);
});

function svOf(entries: [number, number][]): Uint8Array {
  const doc = new Y.Doc();
  for (const [client, clock] of entries) {
    doc.clientID = client;
    const text = doc.getText('t');
    text.insert(0, 'x'.repeat(clock));
  }
  return Y.encodeStateVector(doc);
}

describe('messages', () => {
  const sv = svOf([[7, 3]]);
  const messages: Message[] = [
    { type: 'hello', version: PROTOCOL_VERSION, check: new Uint8Array([1, 2, 3]) },
    { type: 'manifest', docs: [{ docId: 'contact/b7', sv }, { docId: 'interaction/2026-11', sv }] },
    { type: 'manifest', docs: [] },
    { type: 'step1', docId: 'contact/b7', sv },
    { type: 'step2', docId: 'contact/b7', update: new Uint8Array([9, 9]) },
    { type: 'update', docId: 'interaction/2026-11', update: new Uint8Array(0) },
    { type: 'done' },
    { type: 'error', code: 'rejected', message: 'record x: email must be an email address', docId: 'contact/b7' },
    { type: 'stored', docId: 'contact/b7' }
  ];

  it.each(messages.map((m) => [m.type, m] as const))('round-trips %s', (_, m) => {
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it.each([
    ['an empty message', new Uint8Array(0)],
    ['an unknown type', new Uint8Array([42])],
    ['a hello from something else', encodeMessage({ type: 'error', code: 'protocol', message: '', docId: '' }).map((b, i) => (i === 0 ? 0 : b))],
    ['a cut-short update', encodeMessage(messages[4]).subarray(0, 5)],
    ['trailing bytes', new Uint8Array([...encodeMessage({ type: 'done' }), 0])],
    ['a length pointing past the end', new Uint8Array([4, 3, 0x61, 0x2f, 0x62, 200, 1])],
    ['a malformed state vector', encodeMessage({ type: 'step1', docId: 'contact/b1', sv: new Uint8Array([5, 1]) })],
    ['an empty doc id', encodeMessage({ type: 'step2', docId: '', update: new Uint8Array(1) })],
    ['an unknown error code', encodeMessage({ type: 'error', code: 'nope' as never, message: '', docId: '' })]
  ])('refuses %s with a ProtocolError', (_, bytes) => {
    expect(() => decodeMessage(bytes)).toThrow(ProtocolError);
  });
});

describe('hello and the password check', () => {
  it('passes with the same team key', async () => {
    const hello = (await helloMessage(key)) as Extract<Message, { type: 'hello' }>;
    await expect(checkHello(key, hello)).resolves.toBeUndefined();
  });

  it('fails with WrongKeyError for another password, and for a sealed value that is not the check constant', async () => {
    const hello = (await helloMessage(otherKey)) as Extract<Message, { type: 'hello' }>;
    await expect(checkHello(key, hello)).rejects.toBeInstanceOf(WrongKeyError);
    await expect(checkHello(key, { ...hello, check: await seal(key, new Uint8Array([1])) })).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('fails with VersionError for another protocol version', async () => {
    const hello = (await helloMessage(key)) as Extract<Message, { type: 'hello' }>;
    await expect(checkHello(key, { ...hello, version: PROTOCOL_VERSION + 1 })).rejects.toBeInstanceOf(VersionError);
  });
});

describe('envelopes', () => {
  const update: Message = { type: 'update', docId: 'contact/b1', update: new TextEncoder().encode('Asha Gurung') };

  it('seals data so a relay sees no plaintext, and opens it with the team key', async () => {
    const env = await sealedEnvelope(key, update);
    expect(isClearEnvelope(env)).toBe(false);
    expect(Buffer.from(env).includes(Buffer.from('Asha'))).toBe(false);
    expect(Buffer.from(env).includes(Buffer.from('contact/b1'))).toBe(false);
    expect(await openEnvelope(key, env, true)).toEqual(update);
    await expect(openEnvelope(otherKey, env, true)).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('binds sealed messages to one session, one direction and one place in the sequence', async () => {
    const [x, y, z] = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])];
    const env = await sealedEnvelope(key, update, sessionContext(x, y, 4));
    expect(await openEnvelope(key, env, true, sessionContext(x, y, 4))).toEqual(update);
    await expect(openEnvelope(key, env, true, sessionContext(y, x, 4))).rejects.toBeInstanceOf(WrongKeyError);
    await expect(openEnvelope(key, env, true, sessionContext(x, z, 4))).rejects.toBeInstanceOf(WrongKeyError);
    await expect(openEnvelope(key, env, true, sessionContext(x, y, 5))).rejects.toBeInstanceOf(WrongKeyError);
    await expect(openEnvelope(key, env, true)).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('only lets hello and error travel in clear, and only before the handshake', async () => {
    expect(() => clearEnvelope(update)).toThrow(/must be sealed/);
    const hello = clearEnvelope(await helloMessage(key));
    expect(isClearEnvelope(hello)).toBe(true);
    expect((await openEnvelope(key, hello, false)).type).toBe('hello');
    await expect(openEnvelope(key, hello, true)).rejects.toThrow(/unencrypted message arrived in the middle/);
    await expect(openEnvelope(key, new Uint8Array([0, ...encodeMessage(update)]), false)).rejects.toThrow(/arrived unencrypted/);
    await expect(openEnvelope(key, await sealedEnvelope(key, update), false)).rejects.toThrow(/before the password check/);
    await expect(openEnvelope(key, new Uint8Array([7, 1]), true)).rejects.toThrow(ProtocolError);
  });
});

describe('planSync', () => {
  it('skips equal docs and sends each side only what the other lacks', () => {
    const mine = new Map([
      ['contact/b0', svOf([[1, 2]])],
      ['contact/b1', svOf([[1, 2]])],
      ['contact/b2', svOf([[1, 5]])],
      ['contact/b3', svOf([[1, 2], [2, 1]])],
      ['account/b0', svOf([[1, 1]])]
    ]);
    const theirs = new Map([
      ['contact/b0', svOf([[1, 2]])],
      ['contact/b1', svOf([[1, 4]])],
      ['contact/b2', svOf([[1, 2]])],
      ['contact/b3', svOf([[1, 3]])],
      ['task/b0', svOf([[2, 1]])]
    ]);
    const { docs, skipped } = planSync(mine, theirs);
    expect(skipped).toBe(1);
    expect(Object.fromEntries(docs)).toEqual({
      'contact/b1': { send: false, receive: true },
      'contact/b2': { send: true, receive: false },
      'contact/b3': { send: true, receive: true },
      'account/b0': { send: true, receive: false },
      'task/b0': { send: false, receive: true }
    });
  });
});
