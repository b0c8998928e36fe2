// Campaign funnel statistics: sent, opened, clicked, responded per campaign and message, with Wilson intervals.

/**
 * Standard normal quantile Φ⁻¹(p), 0 < p < 1: Wichura's algorithm AS 241 (PPND16, Applied Statistics 37:477–484,
 * 1988), accurate to about 1e-16 — the algorithm behind R's qnorm.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r + 4.5921953931549871457e4) * r +
          1.3731693765509461125e4) *
          r +
          1.9715909503065514427e3) *
          r +
          1.3314166789178437745e2) *
          r +
          3.387132872796366608)) /
      (((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r + 2.1213794301586595867e4) * r +
        5.3941960214247511077e3) *
        r +
        6.8718700749205790830e2) *
        r +
        4.2313330701600911252e1) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((7.7454501427834140764e-4 * r + 2.27238449892691845833e-2) * r + 2.4178072517745061177e-1) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 1.51986665636164571966e-2) * r + 1.4810397642748007459e-1) * r +
        6.8976733498510000455e-1) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.2426609473880784386e-3) * r + 2.6532189526576123093e-2) * r +
        2.9656057182850489123e-1) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        1.4875361290850614852e-2) *
        r +
        1.3692988092273580531e-1) *
        r +
        5.9983220655588793769e-1) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

/** A proportion with its confidence interval. */
export type Rate = {
  successes: number;
  trials: number;
  /** successes / trials; null when there were no trials. */
  value: number | null;
  lower: number | null;
  upper: number | null;
};

/**
 * Wilson score interval for a binomial proportion (Wilson 1927, JASA 22:209–212): centre (x + z²/2)/(n + z²),
 * half-width z·√(x(n − x)/n + z²/4)/(n + z²). Unlike the Wald interval it stays inside [0, 1] and keeps its coverage
 * for small n and for rates near 0 — typical of click-through rates (Brown, Cai & DasGupta 2001, Stat. Sci. 16:101–133).
 * A count above the trials (opens logged without their send) is capped at the trials for the interval.
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Rate {
  if (!(trials > 0)) return { successes, trials, value: null, lower: null, upper: null };
  const x = Math.min(successes, trials);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const denom = trials + z2;
  const centre = (x + z2 / 2) / denom;
  const half = (z * Math.sqrt((x * (trials - x)) / trials + z2 / 4)) / denom;
  return { successes, trials, value: successes / trials, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

export type CampaignInput = {
  id: string;
  name: string;
  messages?: readonly { id: string; name: string; sentAt?: string | null }[];
  deletedAt?: string | null;
  _del?: 0 | 1;
};

export type CampaignInteraction = {
  campaignId?: string;
  contactId?: string;
  accountId?: string;
  outcome?: string;
  at: string;
  deletedAt?: string | null;
  _del?: 0 | 1;
};

export type Funnel = {
  /** Distinct contacts with at least one interaction of each outcome. */
  sent: number;
  opened: number;
  clicked: number;
  responded: number;
  bounced: number;
  /** opened / sent. */
  openRate: Rate;
  /** clicked / sent. */
  clickThroughRate: Rate;
  /** clicked / opened. */
  clickToOpenRate: Rate;
  /** responded / sent. */
  responseRate: Rate;
};

export type MessageStats = Funnel & { messageId: string; name: string };
export type CampaignStats = Funnel & {
  campaignId: string;
  name: string;
  /** One entry per message in send order; interactions no message could be matched to are under messageId ''. */
  messages: MessageStats[];
};

export type CampaignStatsOptions = {
  /** Confidence of the intervals (default 0.95). */
  confidence?: number;
  /** The message an interaction belongs to, when the data records it; default: matched by time (see below). */
  messageOf?: (interaction: CampaignInteraction) => string | undefined;
};

const OUTCOMES = ['sent', 'opened', 'clicked', 'responded', 'bounced'] as const;
type Outcome = (typeof OUTCOMES)[number];
type Sets = Record<Outcome, Set<string>>;

const emptySets = (): Sets => ({ sent: new Set(), opened: new Set(), clicked: new Set(), responded: new Set(), bounced: new Set() });

function funnel(s: Sets, confidence: number): Funnel {
  const [sent, opened, clicked, responded] = [s.sent.size, s.opened.size, s.clicked.size, s.responded.size];
  return {
    sent,
    opened,
    clicked,
    responded,
    bounced: s.bounced.size,
    openRate: wilsonInterval(opened, sent, confidence),
    clickThroughRate: wilsonInterval(clicked, sent, confidence),
    clickToOpenRate: wilsonInterval(clicked, opened, confidence),
    responseRate: wilsonInterval(responded, sent, confidence)
  };
}

const isOutcome = (o: string | undefined): o is Outcome => (OUTCOMES as readonly string[]).includes(o ?? '');
const live = (r: { deletedAt?: string | null; _del?: 0 | 1 }): boolean => !r._del && !r.deletedAt;
const ms = (iso: string): number => Date.parse(iso);

/**
 * Funnel counts and rates per campaign and per message, from the interactions that carry a campaignId and an outcome
 * of sent, opened, clicked, responded or bounced. Each stage counts distinct contacts (a contact opening three times
 * is one open; account-only interactions count by account). Rates are open = opened/sent, click-through =
 * clicked/sent, click-to-open = clicked/opened, response = responded/sent, each with a Wilson score interval.
 *
 * Interactions do not name their message, so unless `messageOf` says otherwise a send belongs to the message whose
 * sentAt is nearest, and an open, click, reply or bounce to the latest message sent to that contact at or before it
 * (else the latest message sent by then). A campaign with one message takes everything. Deleted campaigns and
 * interactions are left out; interactions of campaigns not in the list are reported under their id with name ''.
 */
export function campaignStats(campaigns: Iterable<CampaignInput>, interactions: Iterable<CampaignInteraction>, options: CampaignStatsOptions = {}): CampaignStats[] {
  const confidence = options.confidence ?? 0.95;
  const byCampaign = new Map<string, CampaignInteraction[]>();
  for (const i of interactions) {
    if (!i.campaignId || !live(i) || !isOutcome(i.outcome)) continue;
    let list = byCampaign.get(i.campaignId);
    if (!list) byCampaign.set(i.campaignId, (list = []));
    list.push(i);
  }
  const known = new Map<string, CampaignInput>();
  const deleted = new Set<string>();
  for (const c of campaigns) {
    if (live(c)) known.set(c.id, c);
    else deleted.add(c.id);
  }
  // A deleted campaign's interactions go with it; ids never seen as campaigns are still reported.
  const ids = [...known.keys(), ...[...byCampaign.keys()].filter((id) => !known.has(id) && !deleted.has(id))];

  const out: CampaignStats[] = [];
  for (const campaignId of ids) {
    const campaign = known.get(campaignId);
    const list = byCampaign.get(campaignId) ?? [];
    const messages = [...(campaign?.messages ?? [])];
    const sentMessages = messages
      .filter((m) => m.sentAt && !Number.isNaN(ms(m.sentAt)))
      .map((m) => ({ id: m.id, at: ms(m.sentAt as string) }))
      .sort((a, b) => a.at - b.at);
    messages.sort((a, b) => (a.sentAt && b.sentAt ? ms(a.sentAt) - ms(b.sentAt) : a.sentAt ? -1 : b.sentAt ? 1 : 0));

    const all = emptySets();
    const perMessage = new Map<string, Sets>(messages.map((m) => [m.id, emptySets()]));
    const who = (i: CampaignInteraction): string => i.contactId || (i.accountId ? `account:${i.accountId}` : '');

    // Sends first: they anchor each contact's later opens and clicks to a message.
    const sendsOf = new Map<string, { at: number; messageId: string }[]>();
    const latestSentBy = (at: number): string => {
      let id = '';
      for (const m of sentMessages) if (m.at <= at) id = m.id;
      return id;
    };
    const nearest = (at: number): string => {
      let best = '';
      let gap = Infinity;
      for (const m of sentMessages) {
        const g = Math.abs(m.at - at);
        if (g < gap) [best, gap] = [m.id, g];
      }
      return best;
    };
    const single = messages.length === 1 ? messages[0].id : null;
    const attribute = (i: CampaignInteraction, contact: string): string => {
      const given = options.messageOf?.(i);
      if (given !== undefined) return given;
      if (single !== null) return single;
      const at = ms(i.at);
      if (i.outcome === 'sent') return nearest(at);
      const sends = sendsOf.get(contact);
      let id = '';
      if (sends) for (const s of sends) if (s.at <= at) id = s.messageId;
      return id || latestSentBy(at);
    };
    const sorted = [...list].sort((a, b) => (a.outcome === 'sent' ? 0 : 1) - (b.outcome === 'sent' ? 0 : 1) || ms(a.at) - ms(b.at));
    for (const i of sorted) {
      const contact = who(i);
      if (!contact) continue;
      const outcome = i.outcome as Outcome;
      const messageId = attribute(i, contact);
      if (outcome === 'sent') {
        let sends = sendsOf.get(contact);
        if (!sends) sendsOf.set(contact, (sends = []));
        sends.push({ at: ms(i.at), messageId });
      }
      all[outcome].add(contact);
      let sets = perMessage.get(messageId);
      if (!sets) perMessage.set(messageId, (sets = emptySets()));
      sets[outcome].add(contact);
    }
    const names = new Map(messages.map((m) => [m.id, m.name]));
    const messageStats: MessageStats[] = [...perMessage].map(([messageId, sets]) => ({ messageId, name: names.get(messageId) ?? '', ...funnel(sets, confidence) }));
    out.push({ campaignId, name: campaign?.name ?? '', ...funnel(all, confidence), messages: messageStats });
  }
  return out;
}
