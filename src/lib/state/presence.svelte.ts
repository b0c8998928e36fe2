// Who else is in the meeting and what they look at, as rune state for badges on lists and detail views (never stored).
import type { CollectionName } from '$lib/core/model/registry';
import type { Presence } from '$lib/core/sync/presence';

export type PeerPresence = { peer: string; presence: Presence };

/**
 * Filled by the meeting (sync.svelte.ts) while this tab is in one; empty otherwise. Kept apart from the sync state so a
 * badge on a contact page pulls in no sync code: the mesh, WebRTC and the engine load only when a meeting starts.
 */
export class PresenceState {
  peers = $state.raw<readonly PeerPresence[]>([]);

  readonly count = $derived(this.peers.length);

  /** Peers showing this record (its detail page or its edit form). */
  onRecord(collection: CollectionName, recordId: string): PeerPresence[] {
    return this.peers.filter((p) => p.presence.collection === collection && p.presence.recordId === recordId);
  }

  /** Peers anywhere in a record type (its list or one of its records), for a badge on a list. */
  inCollection(collection: CollectionName): PeerPresence[] {
    return this.peers.filter((p) => p.presence.collection === collection);
  }
}

/** The one instance the app uses: `import { presence } from '$lib/state/presence.svelte';` */
export const presence = new PresenceState();

/** Initials for an avatar: "Asha Gurung" → "AG", "u-7f3a" → "U7". */
export function initials(name: string): string {
  const words = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0) return '?';
  return (words.length === 1 ? words[0].slice(0, 2) : `${words[0][0]}${words[words.length - 1][0]}`).toUpperCase();
}

/** A stable avatar colour per user (one of a few with 4.5:1 contrast against white text). */
export function avatarColour(user: string): string {
  const palette = ['#1f4e79', '#7a2e8f', '#1b6e34', '#8a3b12', '#0f5f6b', '#a4261c', '#4b4f9e', '#5c5c00'];
  let h = 0;
  for (const ch of user) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[h % palette.length];
}
