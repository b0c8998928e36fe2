// Display text of the quote screens: status names, a quote's label with its revision, and stage names.
import { defaultStages } from '$lib/core/model/opportunity';
import type { QuoteStatus } from '$lib/state/quotes.svelte';

export const statusLabels: Record<QuoteStatus, string> = {
  draft: 'Draft',
  sent: 'Sent',
  accepted: 'Accepted',
  declined: 'Declined',
  expired: 'Expired'
};

/** "Q-2026-0001" or "Q-2026-0001 rev 2". */
export const quoteLabel = (q: { number: string; revision: number }): string => `${q.number}${q.revision > 1 ? ` rev ${q.revision}` : ''}`;

/** A stage's name ("Closed won"); stages are data, so an unknown id is shown as it is. */
export function stageName(stage: string): string {
  return defaultStages.find((s) => s.id === stage)?.name ?? stage;
}

/** A sent quote past its valid-until date is shown as expired (nothing is written: the date says it). */
export function effectiveStatus(q: { status: QuoteStatus; validUntil: string }, today: string): QuoteStatus {
  return q.status === 'sent' && q.validUntil && q.validUntil < today ? 'expired' : q.status;
}

export const quoteHref = (id: string, search: string, suffix = ''): string => `/quotes/${encodeURIComponent(id)}${suffix}${search}`;
