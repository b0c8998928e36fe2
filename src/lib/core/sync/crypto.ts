// The team key and room name derived from a sync password, and AES-GCM sealing of every sync message with that key.
/**
 * - Team key: PBKDF2-SHA-256 over the password, salted with the workspace id, giving a non-extractable
 *   AES-GCM-256 key. 250,000 iterations: above the 200k floor set for Fieldbook, below OWASP's 600k for stored
 *   password hashes because nothing stored here lets an attacker test guesses offline except a recorded session;
 *   one derivation took 0.54–0.71 s in Node 20 on this (busy) 2-core machine. Derive once and keep the key.
 * - Room name: a second PBKDF2 run with its own salt, then SHA-256, as hex. The signaling server or relay only
 *   sees this hash; guessing the password from it costs a full PBKDF2 run per guess, and it reveals nothing
 *   about the team key (different salt).
 * - Sealed bytes: 12-byte random IV ‖ AES-GCM ciphertext ‖ 16-byte tag (NIST SP 800-38D). A random 96-bit IV
 *   is safe for far more messages than a team ever sends under one password (the bound is ~2^32 per key).
 */

export const PBKDF2_ITERATIONS = 250_000;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();

/** Sealed bytes that do not open with this key: the wrong password, or data altered on the way. */
export class WrongKeyError extends Error {
  constructor(message = 'The data could not be decrypted: it was sealed with another password, or altered on the way') {
    super(message);
    this.name = 'WrongKeyError';
  }
}

/** WebCrypto wants ArrayBuffer-backed views; a copy also keeps callers from mutating what is being sealed. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

async function stretch(password: string, workspaceId: string, purpose: string): Promise<ArrayBuffer> {
  if (password.length === 0) throw new Error('A team password is needed to sync');
  const base = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, ['deriveBits']);
  const salt = utf8.encode(`fieldbook:${purpose}:v1:${workspaceId}`);
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PBKDF2_ITERATIONS }, base, 256);
}

/** The AES-GCM key every device of the team derives from the same password and workspace id. */
export async function deriveTeamKey(password: string, workspaceId: string): Promise<CryptoKey> {
  const bits = await stretch(password, workspaceId, 'team-key');
  return crypto.subtle.importKey('raw', bits, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The room (signaling topic) devices meet in: 64 hex characters that reveal neither password nor key. */
export async function roomName(password: string, workspaceId: string): Promise<string> {
  const bits = await stretch(password, workspaceId, 'room');
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bits));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Encrypts and authenticates bytes: IV ‖ ciphertext ‖ tag. `context` (GCM additional data) is authenticated but
 * not sent: `open` must be given the same bytes, which binds a message to one session and direction.
 */
export async function seal(key: CryptoKey, bytes: Uint8Array, context?: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const params: AesGcmParams = { name: 'AES-GCM', iv, ...(context ? { additionalData: own(context) } : {}) };
  const body = new Uint8Array(await crypto.subtle.encrypt(params, key, own(bytes)));
  const out = new Uint8Array(IV_BYTES + body.byteLength);
  out.set(iv);
  out.set(body, IV_BYTES);
  return out;
}

/** Decrypts sealed bytes; throws WrongKeyError for another key or context, a flipped bit or a truncated message. */
export async function open(key: CryptoKey, sealed: Uint8Array, context?: Uint8Array): Promise<Uint8Array> {
  if (sealed.byteLength < IV_BYTES + TAG_BYTES) throw new WrongKeyError('The sealed data is too short to be genuine');
  try {
    const iv = own(sealed.subarray(0, IV_BYTES));
    const params: AesGcmParams = { name: 'AES-GCM', iv, ...(context ? { additionalData: own(context) } : {}) };
    return new Uint8Array(await crypto.subtle.decrypt(params, key, own(sealed.subarray(IV_BYTES))));
  } catch {
    throw new WrongKeyError();
  }
}
