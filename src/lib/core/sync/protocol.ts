// The sync protocol's messages: lib0-encoded, sealed with the team key, multiplexing y-protocols-style sync of many docs over one pipe.
/**
 * One session between two devices, the same on both sides (there is no client or server):
 *
 * 1. **hello** `{version, check}`, in clear: `check` is a known constant sealed with the team key. Each side
 *    opens the other's check before sending anything else; if it does not open, the passwords differ, the side
 *    answers with a clear `error` (`wrong-password`) and closes. No record data has crossed at that point.
 * 2. **manifest** `[{docId, sv}]`: every doc this device stores with its Yjs state vector (the per-doc clock, from
 *    the `docs` table, so no doc is loaded to build it).
 * 3. For every doc where the two state vectors differ, each side that holds structs the other lacks sends
 *    **step2** `{docId, update}` = `Y.encodeStateAsUpdate(doc, theirSv)`. The peer's manifest entry plays the part
 *    of y-protocols' sync step 1, which saves a round trip per doc. Docs with equal vectors are skipped: every
 *    Fieldbook write inserts a register (no delete-only transaction exists), so equal vectors mean equal docs.
 *    The sender keeps at most a window of step2 bytes (8 MiB) ahead of what the peer has stored: the receiver answers
 *    each step2 with **stored** `{docId}` once it is written (or refused), so a slow tablet never holds hundreds of
 *    MiB of received but unwritten docs in memory (which a cut would lose and send again).
 * 4. **done** when a side has sent all its step2s; the initial sync ends when a side has sent and received done.
 * 5. From then on (and already during 3) each stored change is sent as **update** `{docId, update}`.
 *    **step1** `{docId, sv}` asks for a doc again (an update arrived whose dependencies are missing); the answer is
 *    a step2. **error** `{code, message, docId}` tells the peer in plain words what was refused.
 *
 * Wire envelope (inside frames, see frames.ts): one byte `0` + a clear message (only hello and error may be
 * clear, and only before the handshake), or `1` + `seal(teamKey, message, sessionContext(sender, receiver, n))`
 * for the n-th sealed message in that direction. A relay sees the version and ciphertext, nothing else, and
 * cannot replay, reflect, drop or reorder sealed messages without the session noticing.
 * Message body: varUint type, then the fields below in order (lib0 encoding).
 *
 * Resuming needs nothing special: every update is stored as it arrives, so a new session's manifests already
 * reflect what got through, and only the rest is sent.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { open, seal, WrongKeyError } from './crypto';

/** 2: `stored` acknowledgements (receiver flow control). A version 1 device is told to update. */
export const PROTOCOL_VERSION = 2;
const MAGIC = 'fieldbook-sync';
const KEY_CHECK = new TextEncoder().encode('fieldbook key check v1');
const MAX_DOC_ID = 200;
const MAX_MANIFEST = 1_000_000;

export type ManifestEntry = { docId: string; sv: Uint8Array };
/** wrong-password, version: the handshake failed; rejected: one doc's update was refused; protocol: bad traffic; stopped: the sender ended the session (closed by its user, or could not save). */
export type ErrorCode = 'wrong-password' | 'version' | 'rejected' | 'protocol' | 'stopped';

export type Message =
  | { type: 'hello'; version: number; check: Uint8Array }
  | { type: 'manifest'; docs: ManifestEntry[] }
  | { type: 'step1'; docId: string; sv: Uint8Array }
  | { type: 'step2'; docId: string; update: Uint8Array }
  | { type: 'update'; docId: string; update: Uint8Array }
  | { type: 'done' }
  | { type: 'error'; code: ErrorCode; message: string; docId: string }
  | { type: 'stored'; docId: string };

export type MessageType = Message['type'];

const TYPES: readonly MessageType[] = ['hello', 'manifest', 'step1', 'step2', 'update', 'done', 'error', 'stored'];
const CODES: readonly ErrorCode[] = ['wrong-password', 'version', 'rejected', 'protocol', 'stopped'];
const CLEAR = 0;
const SEALED = 1;

/** A message that does not decode: a bug or a hostile peer; the session cannot go on. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** The peer speaks another protocol version. */
export class VersionError extends Error {
  constructor(readonly theirs: number) {
    super(`The other device uses sync protocol version ${theirs}, this one version ${PROTOCOL_VERSION}. Update Fieldbook on both devices.`);
    this.name = 'VersionError';
  }
}

/** Message → bytes (lib0 encoding). */
export function encodeMessage(m: Message): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, TYPES.indexOf(m.type));
  switch (m.type) {
    case 'hello':
      encoding.writeVarString(e, MAGIC);
      encoding.writeVarUint(e, m.version);
      encoding.writeVarUint8Array(e, m.check);
      break;
    case 'manifest':
      encoding.writeVarUint(e, m.docs.length);
      for (const d of m.docs) {
        encoding.writeVarString(e, d.docId);
        encoding.writeVarUint8Array(e, d.sv);
      }
      break;
    case 'step1':
      encoding.writeVarString(e, m.docId);
      encoding.writeVarUint8Array(e, m.sv);
      break;
    case 'step2':
    case 'update':
      encoding.writeVarString(e, m.docId);
      encoding.writeVarUint8Array(e, m.update);
      break;
    case 'done':
      break;
    case 'error':
      encoding.writeVarString(e, m.code);
      encoding.writeVarString(e, m.message);
      encoding.writeVarString(e, m.docId);
      break;
    case 'stored':
      encoding.writeVarString(e, m.docId);
      break;
  }
  return encoding.toUint8Array(e);
}

/** Bytes → message; throws ProtocolError for anything malformed, including trailing bytes. */
export function decodeMessage(bytes: Uint8Array): Message {
  const d = decoding.createDecoder(bytes);
  let m: Message;
  try {
    m = readBody(d);
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(`A sync message is cut short or malformed (${(e as Error).message})`);
  }
  // lib0 reads views into the underlying buffer; a length field pointing past the message shows up here.
  if (d.pos !== bytes.byteLength) throw new ProtocolError('A sync message has the wrong length');
  return m;
}

function readBody(d: decoding.Decoder): Message {
  const type = TYPES[decoding.readVarUint(d)];
  switch (type) {
    case 'hello': {
      if (decoding.readVarString(d) !== MAGIC) throw new ProtocolError('The other side is not a Fieldbook device');
      return { type, version: decoding.readVarUint(d), check: decoding.readVarUint8Array(d) };
    }
    case 'manifest': {
      const n = decoding.readVarUint(d);
      if (n > MAX_MANIFEST) throw new ProtocolError(`A manifest of ${n} docs is not plausible`);
      const docs: ManifestEntry[] = [];
      for (let i = 0; i < n; i++) docs.push({ docId: readDocId(d), sv: readStateVector(d) });
      return { type, docs };
    }
    case 'step1':
      return { type, docId: readDocId(d), sv: readStateVector(d) };
    case 'step2':
    case 'update':
      return { type, docId: readDocId(d), update: decoding.readVarUint8Array(d) };
    case 'done':
      return { type };
    case 'error': {
      const code = decoding.readVarString(d) as ErrorCode;
      if (!CODES.includes(code)) throw new ProtocolError(`Unknown error code "${code}"`);
      return { type, code, message: decoding.readVarString(d).slice(0, 1000), docId: readDocId(d, true) };
    }
    case 'stored':
      return { type, docId: readDocId(d) };
    default:
      throw new ProtocolError('Unknown sync message type');
  }
}

function readDocId(d: decoding.Decoder, allowEmpty = false): string {
  const id = decoding.readVarString(d);
  if ((!allowEmpty && id.length === 0) || id.length > MAX_DOC_ID) throw new ProtocolError('A doc id in a sync message is malformed');
  return id;
}

/** A state vector that does not decode would poison every comparison made with it: refuse it here. */
function readStateVector(d: decoding.Decoder): Uint8Array {
  const sv = decoding.readVarUint8Array(d);
  try {
    for (const [client, clock] of Y.decodeStateVector(sv)) {
      if (!Number.isSafeInteger(client) || !Number.isSafeInteger(clock) || clock < 0) throw new Error('out of range');
    }
  } catch {
    throw new ProtocolError('A state vector in a sync message is malformed');
  }
  return sv;
}

/** Our hello: protocol version and the sealed key-check constant. */
export async function helloMessage(key: CryptoKey): Promise<Message> {
  return { type: 'hello', version: PROTOCOL_VERSION, check: await seal(key, KEY_CHECK) };
}

/** Throws VersionError, or WrongKeyError when the peer's check was not sealed with our team key. */
export async function checkHello(key: CryptoKey, m: Extract<Message, { type: 'hello' }>): Promise<void> {
  if (m.version !== PROTOCOL_VERSION) throw new VersionError(m.version);
  const plain = await open(key, m.check);
  if (plain.byteLength !== KEY_CHECK.byteLength || plain.some((b, i) => b !== KEY_CHECK[i])) throw new WrongKeyError();
}

/** Wire form of a message allowed in clear (hello, and error before the handshake). */
export function clearEnvelope(m: Message): Uint8Array {
  if (m.type !== 'hello' && m.type !== 'error') throw new ProtocolError(`A ${m.type} message must be sealed`);
  return withTag(CLEAR, encodeMessage(m));
}

/** Wire form of any message, sealed with the team key (and bound to `context`, see sessionContext). */
export async function sealedEnvelope(key: CryptoKey, m: Message, context?: Uint8Array): Promise<Uint8Array> {
  return withTag(SEALED, await seal(key, encodeMessage(m), context));
}

/**
 * The context the `seq`-th sealed message from `from` to `to` is bound to: both hellos' check tokens (fresh
 * random IVs) in sending order, and the message's number in that direction. A relay can then neither replay a
 * message (from an earlier session or this one), nor reflect a device's own messages back to it, nor drop or
 * reorder messages unnoticed: the context would not match and the message would not open.
 */
export function sessionContext(from: Uint8Array, to: Uint8Array, seq: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, MAGIC);
  encoding.writeVarUint8Array(e, from);
  encoding.writeVarUint8Array(e, to);
  encoding.writeVarUint(e, seq);
  return encoding.toUint8Array(e);
}

/** Whether an envelope travels in clear (for tests and tools that inspect traffic; no key needed). */
export function isClearEnvelope(bytes: Uint8Array): boolean {
  return bytes[0] === CLEAR;
}

/**
 * Opens an envelope. Before the handshake only clear hello/error are accepted; after it only sealed messages,
 * so a relay cannot inject clear messages into a running session. Throws ProtocolError or WrongKeyError.
 */
export async function openEnvelope(key: CryptoKey, bytes: Uint8Array, handshakeDone: boolean, context?: Uint8Array): Promise<Message> {
  if (bytes.byteLength === 0) throw new ProtocolError('An empty sync message arrived');
  const body = bytes.subarray(1);
  if (bytes[0] === CLEAR) {
    if (handshakeDone) throw new ProtocolError('An unencrypted message arrived in the middle of a session');
    const m = decodeMessage(body);
    if (m.type !== 'hello' && m.type !== 'error') throw new ProtocolError(`A ${m.type} message arrived unencrypted`);
    return m;
  }
  if (bytes[0] !== SEALED) throw new ProtocolError('A sync message has an unknown envelope');
  if (!handshakeDone) throw new ProtocolError('An encrypted message arrived before the password check');
  return decodeMessage(await open(key, body, context));
}

function withTag(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

/** What one doc needs in a session: whether we hold structs the peer lacks (send), and the other way round. */
export type DocPlan = { send: boolean; receive: boolean };

/**
 * Decides from the two manifests alone which docs each side sends, so both sides agree without a round trip:
 * a side sends a doc when its state vector has a client clock ahead of the peer's (or the peer lacks the doc).
 * Docs where neither is ahead are skipped.
 */
export function planSync(mine: ReadonlyMap<string, Uint8Array>, theirs: ReadonlyMap<string, Uint8Array>): { docs: Map<string, DocPlan>; skipped: number } {
  const docs = new Map<string, DocPlan>();
  let skipped = 0;
  for (const docId of new Set([...mine.keys(), ...theirs.keys()])) {
    const a = decodeSv(mine.get(docId));
    const b = decodeSv(theirs.get(docId));
    const plan = { send: isAhead(a, b), receive: isAhead(b, a) };
    if (plan.send || plan.receive) docs.set(docId, plan);
    else skipped++;
  }
  return { docs, skipped };
}

const decodeSv = (sv: Uint8Array | undefined): Map<number, number> => (sv ? Y.decodeStateVector(sv) : new Map());

/** True when `a` holds some struct `b` lacks: a client clock of `a` beyond `b`'s for that client. */
export function isAhead(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  for (const [client, clock] of a) if (clock > (b.get(client) ?? 0)) return true;
  return false;
}
