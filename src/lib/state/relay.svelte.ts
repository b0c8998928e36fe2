// Relay sync as rune state: the relay address, connect/disconnect, status, progress, last sync and problems in plain words.
import { normaliseRelayUrl, RelayError, startRelaySync, type RelayProgress, type RelayStats, type RelayStatus, type RelaySync } from '$lib/core/sync/relay';
import type { Workspace } from '$lib/core/sync/workspace';
import { teamPasswordProblem } from '$lib/core/team-password';
import type { AppSession } from './session.svelte';

/** Device-local settings (backups skip `local:` keys). The password key is the one the Sync screen stores. */
const URL_KEY = 'local:relayUrl';
const ON_KEY = 'local:relayOn';
const PASSWORD_KEY = 'local:syncPassword';
const MAX_PROBLEMS = 5;

export type RelayView = RelayStatus | 'off';

/** The relay sync of one workspace; it outlives the Sync screen so leaving the page does not disconnect. */
export class RelayState {
  url = $state('');
  status = $state<RelayView>('off');
  progress = $state.raw<RelayProgress | null>(null);
  stats = $state.raw<RelayStats | null>(null);
  lastSyncAt = $state<number | null>(null);
  /** Latest problems, newest first, each said once. */
  problems = $state.raw<string[]>([]);
  urlError = $state<string | null>(null);
  passwordError = $state<string | null>(null);
  /** null until the stored settings are read. */
  hasStoredPassword = $state<boolean | null>(null);
  isStarting = $state(false);

  readonly isConnected = $derived(this.status !== 'off' && this.status !== 'stopped' && this.status !== 'failed');
  readonly statusText = $derived(describe(this.status, this.progress));

  readonly #session: AppSession;
  #sync: RelaySync | null = null;
  #loaded: Promise<void> | null = null;

  constructor(session: AppSession) {
    this.#session = session;
  }

  /** Reads the stored address and password; reconnects if the relay was on when this device last used it. */
  load(): Promise<void> {
    this.#loaded ??= (async () => {
      const db = this.#session.db;
      const [url, password, isOn] = await Promise.all([db.getMeta<string>(URL_KEY), this.#storedPassword(), db.getMeta<boolean>(ON_KEY)]);
      this.url = url ?? '';
      this.hasStoredPassword = password !== null;
      if (isOn && password && this.url && !this.#sync && !this.#session.isReadOnly) await this.connect();
    })();
    return this.#loaded;
  }

  async #storedPassword(): Promise<string | null> {
    const stored = await this.#session.db.getMeta<string | { password?: string }>(PASSWORD_KEY);
    const password = typeof stored === 'string' ? stored : stored?.password;
    return password ? password : null;
  }

  /** Connects with the stored team password, or the one typed here (kept in memory only). */
  async connect(typedPassword = ''): Promise<void> {
    this.urlError = this.passwordError = null;
    let url: string;
    try {
      url = normaliseRelayUrl(this.url, typeof location === 'undefined' ? '' : location.protocol);
    } catch (e) {
      this.urlError = (e as Error).message;
      return;
    }
    const stored = await this.#storedPassword();
    // A typed password follows the Sync screen's rule (one schema), so the two forms refuse the same input alike.
    const problem = stored ? null : teamPasswordProblem(typedPassword);
    if (problem) {
      this.passwordError = problem;
      return;
    }
    const password = stored ?? typedPassword;
    this.isStarting = true;
    try {
      await this.#sync?.stop();
      this.problems = [];
      this.progress = null;
      const ws: Workspace = this.#session.ws;
      const sync = startRelaySync(ws, {
        url,
        password,
        workspace: this.#session.choice.name,
        onStatus: (s) => {
          if (this.#sync !== sync) return;
          this.status = s;
          this.lastSyncAt = sync.lastSyncAt;
          this.stats = { ...sync.stats };
        },
        onProgress: (p) => {
          if (this.#sync !== sync) return;
          this.progress = p;
          this.stats = { ...sync.stats };
          this.lastSyncAt = sync.lastSyncAt;
        },
        onError: (e) => {
          if (this.#sync === sync) this.#problem(e);
        }
      });
      this.#sync = sync;
      this.status = sync.status;
      this.url = url;
      await Promise.all([this.#session.db.setMeta(URL_KEY, url), this.#session.db.setMeta(ON_KEY, true)]);
      void sync.whenSynced.then(() => {
        if (this.#sync !== sync) return;
        this.lastSyncAt = sync.lastSyncAt;
        this.stats = { ...sync.stats };
      });
    } finally {
      this.isStarting = false;
    }
  }

  async disconnect(): Promise<void> {
    const sync = this.#sync;
    this.#sync = null;
    await this.#session.db.setMeta(ON_KEY, false);
    await sync?.stop();
    if (sync) this.stats = { ...sync.stats };
    this.status = 'stopped';
    this.progress = null;
  }

  #problem(e: RelayError): void {
    if (e.kind === 'connection' && this.problems.includes(e.message)) return;
    this.problems = [e.message, ...this.problems.filter((m) => m !== e.message)].slice(0, MAX_PROBLEMS);
  }
}

function describe(status: RelayView, progress: RelayProgress | null): string {
  switch (status) {
    case 'off':
      return 'Not connected to a relay.';
    case 'connecting':
      return 'Connecting to the relay…';
    case 'catching-up':
      return progress && progress.entriesTotal > 0 ? `Catching up: ${progress.entriesDone} of ${progress.entriesTotal} changes.` : 'Catching up with the relay…';
    case 'live':
      return 'Connected. Changes go to the relay as they are made, and arrive from it the same way.';
    case 'offline':
      return 'The relay cannot be reached right now. Fieldbook keeps trying; changes wait safely on this device.';
    case 'stopped':
      return 'Disconnected from the relay.';
    case 'failed':
      return 'The relay sync stopped because of the problem below.';
  }
}

const states = new WeakMap<Workspace, RelayState>();

/** The relay state of the open workspace (one per workspace, shared by every view that shows it). */
export function relayStateFor(session: AppSession): RelayState {
  const ws = session.ws;
  let state = states.get(ws);
  if (!state) states.set(ws, (state = new RelayState(session)));
  return state;
}
