// Peer-to-peer sync in a meeting as rune state: team password, signaling address, room, peers with progress, last sync, problems.
import { page } from '$app/state';
import { deriveTeamKey } from '$lib/core/sync/crypto';
import {
  formatRoomCode,
  joinMesh,
  newRoomCode,
  normaliseRoomCode,
  normaliseSignalingUrl,
  roomTopic,
  type IceServer,
  type Mesh,
  type MeshPeer,
  type SignalingState
} from '$lib/core/sync/mesh';
import { presenceOfPath, type Presence } from '$lib/core/sync/presence';
import { REMOTE_ORIGIN, type Workspace } from '$lib/core/sync/workspace';
import { teamPasswordProblem } from '$lib/core/team-password';
import { presence } from './presence.svelte';
import type { AppSession } from './session.svelte';
import { updates } from './updates.svelte';

/**
 * Stored on this device (meta table; `local:` keys stay out of backups):
 * - `local:syncPassword`: the team password itself. Trade-off: the key must be re-derivable after a restart without
 *   asking, and relay sync (relay.svelte.ts) derives from the same stored password. Anyone who can open this browser
 *   profile can read it, exactly as they can read every record it protects; the password never leaves the device
 *   (only hashes and ciphertext do). "Forget the password" removes it. The derived key lives in memory only.
 * - `local:signalingUrl`, `local:meeting` (the room this device is in, so it rejoins after a reload or crash),
 *   `local:lastPeerSyncAt`; `sync:iceServers` (STUN/TURN servers; none by default: devices on one LAN need none).
 */
const PASSWORD_KEY = 'local:syncPassword';
const SIGNALING_KEY = 'local:signalingUrl';
const MEETING_KEY = 'local:meeting';
const LAST_SYNC_KEY = 'local:lastPeerSyncAt';
const ICE_KEY = 'sync:iceServers';
const READ_ONLY = 'Fieldbook is open for editing in another tab of this browser, and sync runs in that tab. Use that tab, or close it: this one then takes over.';

export type MeetingStatus = 'idle' | 'joining' | 'in-room' | 'leaving';

type Secret = { key: CryptoKey };

/** The meeting of one workspace; it outlives the Sync screen, so moving to a contact does not leave the room. */
export class SyncState {
  hasPassword = $state<boolean | null>(null);
  isSavingPassword = $state(false);
  passwordError = $state<string | null>(null);
  signalingUrl = $state('');
  signalingError = $state<string | null>(null);
  iceServersText = $state('');
  iceServersError = $state<string | null>(null);

  status = $state<MeetingStatus>('idle');
  code = $state<string | null>(null);
  joinError = $state<string | null>(null);
  signalingState = $state<SignalingState | 'off'>('off');
  peers = $state.raw<MeshPeer[]>([]);
  /** Records changed here by what arrived from peers in this meeting. */
  recordsReceived = $state(0);
  lastSyncAt = $state<number | null>(null);
  /** Signaling messages in this room that did not open with our key: a device with another password is here. */
  ignoredSignals = $state(0);

  // Getters, not $derived: this object outlives the Sync screen that created it (the meeting goes on while the user
  // works elsewhere), and a $derived made while a component sets up stops updating once that component unmounts.
  get isInRoom(): boolean {
    return this.status === 'in-room';
  }
  get isCatchingUp(): boolean {
    return this.peers.some((p) => p.state === 'handshake' || p.state === 'syncing');
  }
  get livePeers(): number {
    return this.peers.filter((p) => p.state === 'live').length;
  }
  /** Docs still to exchange in the sessions catching up (each doc is one bucket or month of records). */
  get docsToGo(): number {
    return this.peers.reduce((n, p) => n + (p.progress && p.state === 'syncing' ? p.progress.docsTotal - p.progress.docsDone : 0), 0);
  }
  get docsTotal(): number {
    return this.peers.reduce((n, p) => n + (p.progress && p.state === 'syncing' ? p.progress.docsTotal : 0), 0);
  }
  /** About how many records the sessions catching up still exchange; null while one of them cannot tell yet. */
  get recordsToGo(): number | null {
    let n = 0;
    for (const p of this.peers) {
      if (!p.progress || p.state !== 'syncing' || p.progress.docsTotal === p.progress.docsDone) continue;
      if (p.progress.recordsToGo === null) return null;
      n += p.progress.recordsToGo;
    }
    return n;
  }
  get formattedCode(): string {
    return this.code ? formatRoomCode(this.code) : '';
  }
  get problems(): string[] {
    return this.#problems();
  }

  readonly #session: AppSession;
  #secret: Promise<Secret> | null = null;
  #mesh: Mesh | null = null;
  #iceServers: IceServer[] = [];
  #myName = $state('');
  #loaded: Promise<void> | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #offChanges: (() => void) | null = null;
  #wantsRejoin = $state<string | null>(null);

  constructor(session: AppSession) {
    this.#session = session;
    // Not `$effect.root` right here: this object is made while the Sync screen sets up, and a root created inside a
    // component becomes that component's child, torn down when the user leaves the screen — the meeting would go on
    // while presence, the reload hold and the takeover rejoin silently stopped. A microtask runs outside any component.
    queueMicrotask(() => this.#startEffects());
  }

  #startEffects(): void {
    $effect.root(() => {
      // A reload (app update) would drop the meeting: hold it while this device is in one.
      $effect(() => {
        if (this.status === 'joining' || this.status === 'in-room') return updates.holdReload('sync');
      });
      // What this device shows, for the others' badges.
      $effect(() => {
        if (this.status !== 'in-room') return;
        const p = this.#presence(page.url.pathname, updates.reasons.some((r) => r.startsWith('unsaved ')));
        this.#mesh?.setPresence(p);
      });
      $effect(() => {
        const id = this.#session.userId;
        void this.#session.db.rows('user').get(id).then((row) => (this.#myName = typeof row?.name === 'string' ? row.name : ''));
      });
      // The tab that was read-only became the writer (the other tab closed): pick up the meeting it left.
      $effect(() => {
        const code = this.#wantsRejoin;
        if (code && !this.#session.isReadOnly && this.status === 'idle') {
          this.#wantsRejoin = null;
          void this.join(code);
        }
      });
    });
  }

  get ws(): Workspace {
    return this.#session.ws;
  }

  /** Reads the stored settings; rejoins the meeting this device was in (after a reload, a crash or an app update). */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      const db = this.#session.db;
      const [password, url, ice, meeting, last] = await Promise.all([
        db.getMeta<string | { password?: string }>(PASSWORD_KEY),
        db.getMeta<string>(SIGNALING_KEY),
        db.getMeta<IceServer[]>(ICE_KEY),
        db.getMeta<{ code: string }>(MEETING_KEY),
        db.getMeta<number>(LAST_SYNC_KEY)
      ]);
      const stored = typeof password === 'string' ? password : password?.password;
      this.hasPassword = Boolean(stored);
      if (stored) this.#secret = this.#derive(stored);
      this.signalingUrl ||= url ?? defaultSignalingUrl();
      this.#iceServers = Array.isArray(ice) ? ice : [];
      this.iceServersText = formatIceServers(this.#iceServers);
      this.lastSyncAt = last ?? null;
      if (meeting?.code && stored) this.#wantsRejoin = meeting.code;
    })();
    return this.#loaded;
  }

  #derive(password: string): Promise<Secret> {
    const name = this.#session.choice.name;
    const secret = deriveTeamKey(password, name).then((key) => ({ key }));
    secret.catch(() => undefined);
    return secret;
  }

  /** Saves the team password on this device (see the note at the top of this file). */
  async savePassword(password: string): Promise<boolean> {
    // A refused password changes nothing: the stored one and the key derived from it stay in use.
    this.passwordError = teamPasswordProblem(password);
    if (this.passwordError) return false;
    this.isSavingPassword = true;
    try {
      this.#secret = this.#derive(password);
      await this.#secret;
      await this.#session.db.setMeta(PASSWORD_KEY, password);
      this.hasPassword = true;
      if (this.isInRoom && this.code) await this.join(this.code);
      return true;
    } catch (e) {
      this.passwordError = `The password could not be used: ${(e as Error).message}`;
      return false;
    } finally {
      this.isSavingPassword = false;
    }
  }

  async forgetPassword(): Promise<void> {
    await this.leave();
    this.#secret = null;
    await this.#session.db.meta.delete(PASSWORD_KEY);
    this.hasPassword = false;
  }

  /** Saves STUN/TURN servers, one per line: `stun:host:port` or `turn:host:port username credential`. */
  async saveIceServers(text: string): Promise<boolean> {
    this.iceServersError = null;
    try {
      this.#iceServers = parseIceServers(text);
    } catch (e) {
      this.iceServersError = (e as Error).message;
      return false;
    }
    this.iceServersText = formatIceServers(this.#iceServers);
    await this.#session.db.setMeta(ICE_KEY, this.#iceServers);
    return true;
  }

  /** Starts a new meeting with a fresh code. */
  createRoom(): Promise<boolean> {
    return this.join(newRoomCode());
  }

  /** Joins the meeting with this code (as typed: "k7p 2qx" works). */
  async join(codeText: string): Promise<boolean> {
    this.joinError = this.signalingError = null;
    const code = normaliseRoomCode(codeText);
    if (!code) {
      this.joinError = 'A room code is 6 letters and digits, like K7P-2QX. Ask someone in the meeting to read theirs out, or scan their QR code.';
      return false;
    }
    if (this.#session.isReadOnly) {
      this.joinError = READ_ONLY;
      this.#wantsRejoin = code;
      return false;
    }
    if (!this.#session.isDemoReady) {
      this.joinError = 'Wait until the workspace has finished loading, then join.';
      return false;
    }
    let url: string;
    try {
      url = normaliseSignalingUrl(this.signalingUrl, typeof location === 'undefined' ? '' : location.protocol);
    } catch (e) {
      this.signalingError = (e as Error).message;
      return false;
    }
    if (!this.#secret) {
      this.passwordError = 'Set the team sync password first: the same one on every device of the team.';
      return false;
    }
    let secret: Secret;
    try {
      secret = await this.#secret;
    } catch (e) {
      this.passwordError = `The password could not be used: ${(e as Error).message}`;
      return false;
    }
    await this.#stopMesh();
    this.status = 'joining';
    try {
      const topic = await roomTopic(this.#session.choice.name, code);
      this.recordsReceived = 0;
      this.#offChanges = this.ws.onChange((e) => {
        if (e.origin === REMOTE_ORIGIN) this.recordsReceived += e.ids.length;
      });
      this.#mesh = joinMesh({
        ws: this.ws,
        key: secret.key,
        topic,
        signaling: [url],
        iceServers: this.#iceServers,
        presence: this.#presence(page.url.pathname, false),
        onChange: () => this.#scheduleFlush()
      });
      this.code = code;
      this.signalingUrl = url;
      this.status = 'in-room';
      this.#flush();
      await Promise.all([this.#session.db.setMeta(SIGNALING_KEY, url), this.#session.db.setMeta(MEETING_KEY, { code })]);
      return true;
    } catch (e) {
      await this.#stopMesh();
      this.status = 'idle';
      this.joinError = (e as Error).message;
      return false;
    }
  }

  /** Leaves the meeting. Everything that arrived stays on this device; nothing is undone. */
  async leave(): Promise<void> {
    this.#wantsRejoin = null;
    if (this.status === 'idle') return;
    this.status = 'leaving';
    await this.#stopMesh();
    await this.#session.db.meta.delete(MEETING_KEY);
    this.status = 'idle';
    this.code = null;
  }

  async #stopMesh(): Promise<void> {
    const mesh = this.#mesh;
    this.#mesh = null;
    this.#offChanges?.();
    this.#offChanges = null;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (!mesh) return;
    if (mesh.peers.some((p) => p.state === 'live')) await this.#setLastSync(Date.now());
    await mesh.leave();
    this.peers = [];
    this.signalingState = 'off';
    this.ignoredSignals = 0;
    presence.peers = [];
  }

  /** Progress arrives per doc; the screen is updated at most ten times a second. */
  #scheduleFlush(): void {
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = null;
      this.#flush();
    }, 100);
  }

  #flush(): void {
    const mesh = this.#mesh;
    if (!mesh) return;
    const peers = mesh.peers;
    this.peers = peers;
    this.signalingState = mesh.signalingState;
    this.ignoredSignals = mesh.ignoredSignals;
    presence.peers = peers.filter((p) => p.presence && p.state !== 'closed' && p.state !== 'failed').map((p) => ({ peer: p.id, presence: p.presence as Presence }));
    const synced = Math.max(0, ...peers.map((p) => p.syncedAt ?? 0));
    if (synced > (this.lastSyncAt ?? 0)) void this.#setLastSync(synced);
  }

  async #setLastSync(at: number): Promise<void> {
    this.lastSyncAt = at;
    await this.#session.db.setMeta(LAST_SYNC_KEY, at);
  }

  #presence(pathname: string, isEditing: boolean): Presence {
    const user = this.#session.userId;
    return { user, name: this.#myName || user, ...presenceOfPath(pathname), isEditing };
  }

  #problems(): string[] {
    const out: string[] = [];
    if (this.isInRoom && this.signalingState === 'offline') {
      out.push(
        `Cannot reach the signaling server at ${this.signalingUrl}. Check that \`npm run signal\` is running on the laptop in the room, that this device is on the same Wi-Fi, and the address. Devices already connected keep syncing.`
      );
    }
    if (this.isInRoom && this.ignoredSignals > 0) {
      out.push(
        this.livePeers === 0
          ? 'Another device in this room uses a different team password, so nothing is exchanged with it. Check that every device saved exactly the same password (above).'
          : 'A device with a different team password tried to join this room. Nothing is exchanged with it; if it is one of yours, save the team password on it.'
      );
    }
    for (const p of this.peers) if (p.error) out.push(`${peerName(p)}: ${p.error}`);
    return out;
  }
}

/** How a peer is named on screen: the name it says, or a short device tag until its presence arrives. */
export function peerName(p: MeshPeer): string {
  return p.presence?.name || `Device ${p.device.toString(36).toUpperCase().slice(-4)}`;
}

/** A hint for the signaling field: the laptop serving this page is often the one running `npm run signal`. */
function defaultSignalingUrl(): string {
  if (typeof location === 'undefined' || !location.hostname) return '';
  return `ws://${location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname}:4444`;
}

/** Parses "url [username credential]" lines into ICE servers; throws an Error naming the first bad line. */
export function parseIceServers(text: string): IceServer[] {
  const out: IceServer[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const [url, username, credential, ...rest] = line.split(/\s+/);
    if (!/^(stun|stuns|turn|turns):[^\s]+$/.test(url) || rest.length > 0) {
      throw new Error(`Line ${i + 1}: write “stun:host:port” or “turn:host:port username password” (one server per line).`);
    }
    if (url.startsWith('turn') && (!username || !credential)) throw new Error(`Line ${i + 1}: a TURN server needs a username and a password after its address.`);
    out.push(username ? { urls: url, username, credential } : { urls: url });
  }
  return out;
}

function formatIceServers(servers: IceServer[]): string {
  return servers.map((s) => [Array.isArray(s.urls) ? s.urls[0] : s.urls, s.username, s.credential].filter(Boolean).join(' ')).join('\n');
}

const states = new WeakMap<Workspace, SyncState>();

/** The meeting state of the open workspace (one per workspace, shared by every view that shows it). */
export function syncStateFor(session: AppSession): SyncState {
  const ws = session.ws;
  let state = states.get(ws);
  if (!state) states.set(ws, (state = new SyncState(session)));
  return state;
}
