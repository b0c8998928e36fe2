// Lead scoring as data the user can read and change: fit points and engagement points, and the score that qualifies.
export type ScoreCondition = {
  /** A lead field or fact, e.g. 'title', 'source', 'facts.employees', 'interactions.count'. */
  field: string;
  op: 'equals' | 'contains' | 'gte' | 'lte' | 'present';
  value?: string | number | boolean;
  points: number;
  label: string;
};
export type ScoringRule = { fit: ScoreCondition[]; engagement: ScoreCondition[]; qualifyAt: number };

export const defaultScoringRule: ScoringRule = {
  fit: [
    { field: 'company', op: 'present', points: 10, label: 'Has a company' },
    { field: 'title', op: 'contains', value: 'manager', points: 10, label: 'Title mentions manager' },
    { field: 'title', op: 'contains', value: 'director', points: 15, label: 'Title mentions director' },
    { field: 'facts.employees', op: 'gte', value: 50, points: 15, label: '50+ employees' },
    { field: 'facts.budget', op: 'gte', value: 100_000_00, points: 20, label: 'Budget ≥ NPR 100,000' }
  ],
  engagement: [
    { field: 'source', op: 'equals', value: 'referral', points: 15, label: 'Referred' },
    { field: 'source', op: 'equals', value: 'trade-show', points: 10, label: 'Met at a trade show' },
    { field: 'email', op: 'present', points: 5, label: 'Gave an email' },
    { field: 'consent.email', op: 'equals', value: true, points: 5, label: 'Agreed to emails' },
    { field: 'interactions.count', op: 'gte', value: 3, points: 15, label: '3+ interactions' }
  ],
  qualifyAt: 50
};

const read = (obj: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

export function conditionMet(c: ScoreCondition, lead: Record<string, unknown>): boolean {
  const v = read(lead, c.field);
  switch (c.op) {
    case 'present':
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    case 'equals':
      return v === c.value;
    case 'contains':
      return typeof v === 'string' && v.toLocaleLowerCase().includes(String(c.value ?? '').toLocaleLowerCase());
    case 'gte':
      return typeof v === 'number' && v >= Number(c.value);
    case 'lte':
      return typeof v === 'number' && v <= Number(c.value);
  }
}

export type LeadScore = { fit: number; engagement: number; total: number; isQualified: boolean; reasons: { label: string; points: number }[] };

/** Scores a lead; `reasons` lists every condition that gave points, so the user sees why. */
export function scoreLead(lead: Record<string, unknown>, rule: ScoringRule = defaultScoringRule): LeadScore {
  const reasons: LeadScore['reasons'] = [];
  const sum = (conds: ScoreCondition[]) =>
    conds.reduce((n, c) => {
      if (!conditionMet(c, lead)) return n;
      reasons.push({ label: c.label, points: c.points });
      return n + c.points;
    }, 0);
  const fit = sum(rule.fit);
  const engagement = sum(rule.engagement);
  return { fit, engagement, total: fit + engagement, isQualified: fit + engagement >= rule.qualifyAt, reasons };
}
