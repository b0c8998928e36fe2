// The trade-show kiosk as rune state: the rep's PIN and event, the visitor form, the thank-you pause, and unlocking.
import { createRecord } from '$lib/core/commands';
import { isValidPin, splitName } from '$lib/core/sales/board';
import type { Workspace } from '$lib/core/sync/workspace';
import { SalesForm } from './sales.svelte';

export type KioskPhase = 'setup' | 'form' | 'thanks';
export type KioskDraft = { name: string; company: string; email: string; phone: string; interest: string; consent: boolean };

/** How long the thank-you screen stays before the form is blank again for the next visitor. */
export const THANKS_MS = 6000;
/** Wrong PINs in a row before the kiosk makes the next try wait (a visitor guessing the PIN). */
const MAX_TRIES = 5;
const LOCKOUT_MS = 30_000;

export const blankKioskDraft: KioskDraft = { name: '', company: '', email: '', phone: '', interest: '', consent: false };

/** The words the visitor agrees to, stored with the lead as the moment consent was given. */
export const CONSENT_TEXT =
  'Yes, you may email me about the products I asked about and related offers. I can withdraw this consent at any time by replying to any of the emails.';

type StoredLock = { event: string; salt: string; hash: string };

/**
 * Not a security boundary: a 4–6 digit PIN can be guessed offline in no time. Hashing only keeps the PIN from being
 * readable at a glance in the browser's storage; the real protection is that the kiosk screen offers no way out.
 */
async function hashPin(pin: string, salt: string): Promise<string> {
  const text = `fieldbook-kiosk:${salt}:${pin}`;
  if (globalThis.crypto?.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  // Plain http on a LAN address has no crypto.subtle: FNV-1a is enough for the purpose above.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

export class KioskState {
  phase = $state<KioskPhase>('setup');
  eventName = $state('');
  /** Until when PIN entry is paused after too many wrong tries (ms since the epoch); 0 when it is not. */
  waitUntil = $state(0);
  readonly form = new SalesForm<KioskDraft>(blankKioskDraft, { lastName: 'name', firstName: 'name', consent: 'consent' });
  readonly #ws: Workspace;
  readonly #storage: Storage | null;
  readonly #key: string;
  #lock: StoredLock | null = null;
  #failures = 0;

  /**
   * The lock lives in session storage: a reload (or a visitor pulling to refresh) comes back to the locked kiosk,
   * while closing the tab ends it.
   */
  constructor(ws: Workspace, workspaceName: string, storage: Storage | null) {
    this.#ws = ws;
    this.#storage = storage;
    this.#key = `fieldbook:${workspaceName}:kiosk`;
    try {
      const saved = JSON.parse(storage?.getItem(this.#key) ?? 'null') as StoredLock | null;
      if (saved?.hash && saved.salt && typeof saved.event === 'string') {
        this.#lock = saved;
        this.eventName = saved.event;
        this.phase = 'form';
      }
    } catch {
      storage?.removeItem(this.#key);
    }
  }

  get isLocked(): boolean {
    return this.phase !== 'setup';
  }

  /** Locks the kiosk for an event; returns per-field problems, or null when it started. */
  async start(event: string, pin: string, confirm: string): Promise<Record<string, string> | null> {
    const errors: Record<string, string> = {};
    if (!event.trim()) errors.event = 'Enter the name of the event';
    if (!isValidPin(pin)) errors.pin = 'The PIN must be 4 to 6 digits';
    else if (pin !== confirm) errors.confirm = 'The two PINs differ';
    if (Object.keys(errors).length > 0) return errors;
    const salt = crypto.getRandomValues(new Uint32Array(2)).join('-');
    this.#lock = { event: event.trim(), salt, hash: await hashPin(pin, salt) };
    this.#storage?.setItem(this.#key, JSON.stringify(this.#lock));
    this.eventName = this.#lock.event;
    this.#failures = 0;
    this.form.replace(blankKioskDraft);
    this.phase = 'form';
    return null;
  }

  /** Checks a PIN typed to leave; too many wrong ones in a row pause PIN entry for a while. */
  async verify(pin: string): Promise<'ok' | 'wrong' | 'wait'> {
    if (Date.now() < this.waitUntil) return 'wait';
    if (!this.#lock) return 'ok';
    if ((await hashPin(pin, this.#lock.salt)) === this.#lock.hash) {
      this.#failures = 0;
      return 'ok';
    }
    this.#failures++;
    if (this.#failures >= MAX_TRIES) {
      this.#failures = 0;
      this.waitUntil = Date.now() + LOCKOUT_MS;
    }
    return 'wrong';
  }

  /** Ends the kiosk (after the PIN was checked): the app is usable again. */
  unlock(): void {
    this.#lock = null;
    this.#storage?.removeItem(this.#key);
    this.form.replace(blankKioskDraft);
    this.phase = 'setup';
  }

  /** Saves the visitor as a lead from the trade show; shows the thank-you screen when it worked. */
  async submit(): Promise<boolean> {
    const isSaved = await this.form.submit(async (d) => {
      const now = new Date().toISOString();
      const interest = d.interest.trim();
      await createRecord(this.#ws, 'lead', {
        ...splitName(d.name),
        company: d.company.trim(),
        email: d.email.trim(),
        phone: d.phone.trim(),
        source: 'trade-show',
        capturedAt: now,
        consent: { email: d.consent, sms: false, phone: false, at: d.consent ? now : '' },
        facts: { event: this.eventName, ...(interest ? { interest } : {}) },
        tags: this.eventName ? [this.eventName.slice(0, 60)] : []
      });
    });
    if (isSaved) this.phase = 'thanks';
    return isSaved;
  }

  /** Blank form for the next visitor. */
  next(): void {
    this.form.replace(blankKioskDraft);
    this.phase = 'form';
  }
}
