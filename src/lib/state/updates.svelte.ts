// New app versions: registers the service worker, notices a waiting update, and reloads only when nothing would be lost.
import { untrack } from 'svelte';
import type { Workbox } from 'workbox-window';

type Hold = { readonly id: number; readonly reason: string };

/** Checking for a new version this often keeps a tablet that is never closed up to date. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;
/**
 * How long the new worker gets to take control after SKIP_WAITING. Chromium can park it: a fetch that reaches the old
 * worker while it is being stopped restarts it, the activation is dropped, and asking again does nothing until the
 * page goes away. A reload makes the browser try again (see `#recoverParkedUpdate`).
 */
const TAKEOVER_WAIT_MS = 4_000;
/** sessionStorage key: the user asked for the update and the page reloaded to unpark it, this many times. */
const RECOVERY_KEY = 'fieldbook:update-recoveries';
/** After this many reloads the page stops trying; the new version then activates when every tab is closed. */
const MAX_RECOVERIES = 3;

/**
 * The service worker never activates a new version by itself (service-worker/sw.ts). This class tells the page when
 * one is waiting (`isUpdateReady`), and `applyUpdate()` activates it and reloads, which the user starts from
 * `<UpdatePrompt />`. Anything that would lose work on a reload — an unsaved form, a sync in progress — takes a hold
 * with `holdReload(reason)` and releases it when done; while any hold is taken the prompt is hidden
 * (`shouldPrompt`) and no reload happens.
 *
 * ```ts
 * const release = updates.holdReload('unsaved contact');
 * // … on save or cancel:
 * release();
 * ```
 */
export class UpdateState {
  /** A new version is installed and waiting, or already took over from another tab and this page runs old code. */
  isUpdateReady = $state(false);
  /** The user said yes and the page waits for the new version to take over (the prompt says so). */
  isApplying = $state(false);
  #holds = $state.raw<readonly Hold[]>([]);
  #nextHold = 1;
  #wb: Workbox | null = null;
  #registration: ServiceWorkerRegistration | null = null;
  #isReloadWanted = false;
  /** SKIP_WAITING was sent; the reload waits for the new worker to take control, so it fetches the new shell. */
  #isAwaitingControl = false;
  #takeoverTimer: ReturnType<typeof setTimeout> | undefined;
  #reload: () => void;

  /** Why a reload must wait right now (for diagnostics and tests). */
  readonly reasons = $derived(this.#holds.map((hold) => hold.reason));
  readonly isBusy = $derived(this.#holds.length > 0);
  /** What the prompt shows: an update is ready and reloading now would lose nothing. */
  readonly shouldPrompt = $derived(this.isUpdateReady && !this.isBusy);

  constructor(reload: () => void = () => location.reload()) {
    this.#reload = reload;
  }

  /**
   * Registers /sw.js in production builds only (dev serves modules the worker must not cache), and only where service
   * workers exist. Safe to call more than once.
   */
  async register(scriptUrl = '/sw.js'): Promise<void> {
    if (this.#wb || !import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox(scriptUrl, { scope: '/' });
    this.#wb = wb;
    let hadController = Boolean(navigator.serviceWorker.controller);
    wb.addEventListener('waiting', () => {
      this.isUpdateReady = true;
    });
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // The first install claims the page (nothing to reload). Later, a new worker took over: either because we asked
      // (reload now, or as soon as the last hold is released) or because another tab did (this page runs old code
      // against the new shell; offer a reload).
      if (!hadController) {
        hadController = true;
        return;
      }
      this.isUpdateReady = true;
      this.#isAwaitingControl = false;
      clearTimeout(this.#takeoverTimer);
      this.#takeoverTimer = undefined;
      this.#reloadIfWanted();
    });
    try {
      this.#registration = (await wb.register()) ?? null;
    } catch (error) {
      // No service worker means no offline start-up, but the app itself works: say so in the console only.
      console.warn('Fieldbook: the service worker could not be registered', error);
      return;
    }
    this.#resumeRequestedUpdate();
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.checkForUpdate();
    });
    setInterval(() => void this.checkForUpdate(), UPDATE_CHECK_MS);
  }

  /** Asks the server for a newer sw.js; a found update shows up as `isUpdateReady`. Quietly does nothing offline. */
  async checkForUpdate(): Promise<void> {
    try {
      await this.#wb?.update();
    } catch {
      return;
    }
    // workbox-window stops reporting after the first update it did not start; the registration itself always knows.
    if (this.#registration?.waiting && navigator.serviceWorker.controller) this.isUpdateReady = true;
  }

  /**
   * Keeps the page from reloading for an update until the returned function is called (calling it twice is harmless).
   * `reason` is a short description such as "unsaved contact" or "sync".
   */
  holdReload(reason: string): () => void {
    const id = this.#nextHold++;
    // Callers take holds inside effects (`$effect(() => { if (isDirty) return updates.holdReload('…') })`): reading the
    // holds there would make the effect depend on what it writes, and loop.
    untrack(() => {
      this.#holds = [...this.#holds, { id, reason }];
    });
    return () =>
      untrack(() => {
        if (!this.#holds.some((hold) => hold.id === id)) return;
        this.#holds = this.#holds.filter((hold) => hold.id !== id);
        this.#reloadIfWanted();
      });
  }

  /**
   * Activates the waiting version and reloads once it controls the page. Returns false (and does nothing) while a
   * hold is taken.
   */
  applyUpdate(): boolean {
    if (this.isBusy || !this.isUpdateReady) return false;
    this.#isReloadWanted = true;
    if (this.#registration?.waiting && this.#wb) {
      this.isApplying = true;
      this.#askForTakeover();
    } else {
      this.#reloadIfWanted(); // the new version already controls this page (another tab activated it)
    }
    return true;
  }

  /** Hides the prompt until the next update is found; the waiting version still activates when all tabs close. */
  dismiss(): void {
    this.isUpdateReady = false;
  }

  #askForTakeover(): void {
    this.#isAwaitingControl = true;
    this.#wb?.messageSkipWaiting();
    // A second press while waiting must not push the recovery back.
    this.#takeoverTimer ??= setTimeout(() => {
      this.#takeoverTimer = undefined;
      this.#recoverParkedUpdate();
    }, TAKEOVER_WAIT_MS);
  }

  /** The new worker did not take control in time: reload (still the old version) and ask again from the new page. */
  #recoverParkedUpdate(): void {
    // A hold taken since the press wins: the prompt comes back when it is released, and the user can press again.
    if (!this.#isAwaitingControl || !this.#registration?.waiting) return;
    if (this.isBusy) {
      this.isApplying = false; // nothing pending any more: the prompt says "ready" again once the hold is released
      return;
    }
    // A value that is not a count (written by hand) counts as none, so the limit still applies.
    const recoveries = Number.parseInt(readSession(RECOVERY_KEY) ?? '', 10) || 0;
    if (recoveries >= MAX_RECOVERIES) {
      writeSession(RECOVERY_KEY, null);
      this.isApplying = false;
      console.warn('Fieldbook: the new version did not take over; it will when every Fieldbook tab is closed');
      return;
    }
    // Without session storage the new page would not know to ask again: no reload then, the prompt stays.
    if (!writeSession(RECOVERY_KEY, String(recoveries + 1))) {
      this.isApplying = false;
      return;
    }
    this.#reload();
  }

  /** After a recovery reload: the user already said yes, so ask the waiting worker again and reload when it controls. */
  #resumeRequestedUpdate(): void {
    if (readSession(RECOVERY_KEY) === null) return;
    if (!this.#registration?.waiting || !navigator.serviceWorker.controller) {
      writeSession(RECOVERY_KEY, null); // the new version runs: done
      return;
    }
    this.isUpdateReady = true;
    this.isApplying = true;
    this.#isReloadWanted = true;
    this.#askForTakeover();
  }

  #reloadIfWanted(): void {
    if (!this.#isReloadWanted || this.#isAwaitingControl || this.isBusy) return;
    this.#isReloadWanted = false;
    this.#reload();
  }
}

/** Session storage can be switched off or full; the update flow then simply does without it. */
function readSession(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeSession(key: string, value: string | null): boolean {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

/** The one instance the app uses: `import { updates } from '$lib/state/updates.svelte';` */
export const updates = new UpdateState();
