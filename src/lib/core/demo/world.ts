// The demo's plan: sizes per scale, the calendar (Dashain/Tihar season), and compact per-entity attributes every batch is derived from.
/**
 * Generating a record needs to know a little about others (a contact's account, which customers are still
 * buying in a given month, which orders hold a high-end phone). That knowledge lives here in typed arrays,
 * computed once per (scale, seed) in well under a second even at field scale (≈ 3 MB); records themselves are
 * only made batch by batch in records.ts. Everything is a pure function of (scale, seed): no Date.now().
 */
import type { CollectionName } from '../model/registry';
import { AliasTable, mix, rngFor, Rng } from './random';
import {
  catalogue, internationalFirst, internationalLast, nameParts, nepaliFemaleFirst, nepaliLast, nepaliMaleFirst, placeWords, regions, team,
  type BusinessKind, type Category
} from './names';
import type { DemoScale } from './meta';

export type { DemoScale } from './meta';

/**
 * "Today" of the demo: every generated date is at or before this instant (23:45 in Nepal on 15 November 2026),
 * so output never depends on the clock.
 */
export const referenceDate = '2026-11-15';
export const referenceMs = Date.UTC(2026, 10, 15, 18, 0, 0);
export const DAY_MS = 86_400_000;
/** Two years of history end on the reference date. */
export const windowDays = 730;
export const day0Ms = Date.UTC(2026, 10, 15) - (windowDays - 1) * DAY_MS;
export const dayMs = (day: number): number => day0Ms + day * DAY_MS;
export const dayOfMs = (ms: number): number => Math.floor((ms - day0Ms) / DAY_MS);
/** Nepal is UTC+5:45: shop hours 10:00–19:30 there are 04:15–13:45 UTC. */
export const shopOpenUtcMin = 4 * 60 + 15;
export const shopHoursMin = 9 * 60 + 30;

/** Record counts per scale; counts are exact and do not depend on the seed (progress bars need the total up front). */
const sizes: Record<DemoScale, Partial<Record<CollectionName, number>>> = {
  small: { account: 200, contact: 1_000, opportunity: 400, order: 3_000, interaction: 10_000, ticket: 300, task: 120, partner: 8 },
  field: { account: 10_000, contact: 50_000, opportunity: 20_000, order: 102_000, interaction: 500_000, ticket: 5_000, task: 2_000, partner: 24 }
};

/** Deliberate duplicate people (same name and phone, another e-mail), so duplicate detection has something to find. */
const duplicates: Record<DemoScale, number> = { small: 6, field: 60 };

/** Festival seasons in the window (Gregorian dates of the 2025 and 2026 Nepali calendars). */
export type Festival = { name: string; from: string; to: string; peaks: readonly (readonly [string, string])[] };
export const festivals: readonly Festival[] = [
  // Tihar 2024 ended on 3 Nov (Bhai Tika), before the window; its tail is not modelled.
  { name: 'Dashain & Tihar 2025', from: '2025-09-12', to: '2025-10-27', peaks: [['2025-09-18', '2025-10-02'], ['2025-10-15', '2025-10-23']] },
  { name: 'Dashain & Tihar 2026', from: '2026-10-01', to: '2026-11-14', peaks: [['2026-10-07', '2026-10-20'], ['2026-11-02', '2026-11-11']] }
];
/** Smaller bumps: Nepali New Year (Baisakh 1) and the Christmas / 1 January holidays in the cities. */
const bumps: readonly (readonly [string, string, number])[] = [
  ['2025-04-08', '2025-04-16', 1.4],
  ['2026-04-08', '2026-04-16', 1.4],
  ['2024-12-20', '2025-01-02', 1.2],
  ['2025-12-20', '2026-01-02', 1.2]
];

const dayOfIso = (iso: string): number => Math.round((Date.parse(`${iso}T00:00:00Z`) - day0Ms) / DAY_MS);

/** Festival-season multiplier of a day: 1 off-season, 2.4 in the season, 3.4 at the peaks (precomputed per day). */
const festivalByDay: Float64Array = (() => {
  const out = new Float64Array(windowDays + 400).fill(1);
  const fill = (from: string, to: string, factor: number) => {
    for (let d = Math.max(0, dayOfIso(from)); d <= Math.min(out.length - 1, dayOfIso(to)); d++) out[d] = factor;
  };
  for (const [from, to, factor] of bumps) fill(from, to, factor);
  for (const f of festivals) {
    fill(f.from, f.to, 2.4);
    for (const [from, to] of f.peaks) fill(from, to, 3.4);
  }
  return out;
})();
export const festivalFactor = (day: number): number => (day >= 0 && day < festivalByDay.length ? festivalByDay[day] : 1);
/** True on the days of the Dashain/Tihar season. */
export const isFestivalDay = (day: number): boolean => festivalFactor(day) >= 2;

/** Relative order volume of a day: seasonality × 15 % growth over two years × busy Saturdays (Nepal's weekend). */
export function orderDayWeight(day: number): number {
  const weekday = new Date(dayMs(day)).getUTCDay();
  return festivalFactor(day) * (1 + (0.15 * day) / windowDays) * (weekday === 6 ? 1.35 : 1);
}
/** Days drawn by order volume: for order dates and for when new customers arrive. */
const orderDays = new AliasTable(Float64Array.from({ length: windowDays }, (_, d) => orderDayWeight(d)));
/** Contact volume follows sales, damped: people ask and complain more in the season, not three times more. */
const interactionDayWeight = (day: number): number => 1 + (festivalFactor(day) - 1) * 0.45 + (0.1 * day) / windowDays;

/** Calendar months of the window, `YYYY-MM`, with their first day index. */
export type Month = { key: string; firstDay: number; lastDay: number };
export const months: readonly Month[] = (() => {
  const out: Month[] = [];
  for (let d = 0; d < windowDays; d++) {
    const key = new Date(dayMs(d)).toISOString().slice(0, 7);
    const last = out[out.length - 1];
    if (last?.key === key) last.lastDay = d;
    else out.push({ key, firstDay: d, lastDay: d });
  }
  return out;
})();

/** Collection codes: part of every record's seed and id, so two collections never share a stream or an id. */
export const codes = {
  user: 1, stage: 2, product: 3, article: 4, partner: 5, campaign: 6, account: 7, contact: 8, opportunity: 9, order: 10,
  ticket: 11, task: 12, interaction: 13, lead: 14, quote: 15, rule: 16, segment: 17
} as const satisfies Record<CollectionName, number>;
/** Sub-streams of the plan (kept apart from record streams so a record can be rebuilt without the plan's draws). */
export const streams = { accountPlan: 40, contactPlan: 41, opportunityPlan: 42, orderPlan: 43, campaignPlan: 44, orderLines: 45, accountName: 46, idTime: 47, idNonce: 48 } as const;

/** Order basket kinds: what the customer came in for. */
export const kinds = { highEnd: 0, budget: 1, laptop: 2, tv: 3, appliance: 4, accessory: 5, watch: 6, followUp: 7, bulk: 8 } as const;
export type OrderKind = (typeof kinds)[keyof typeof kinds];
/** Order flag bits: for a high-end phone order, whether the basket also holds a case / earbuds; for a follow-up, what it buys. */
export const orderFlags = { withCase: 1, withEarbuds: 2 } as const;

/** Contact flag bits. */
export const contactFlags = { buyer: 1, premium: 2, social: 4, business: 8, international: 16, female: 32, duplicate: 64 } as const;

export const accountKindCodes = ['school', 'office', 'hotel', 'shop', 'clinic', 'ngo', 'bank', 'household'] as const;
const accountKindWeights = [9, 14, 8, 13, 3, 2, 1, 50];
export const HOUSEHOLD = 7;
export const tierCodes = ['key', 'standard', 'small'] as const;

/** A campaign with the messages it sent: each send, open, click and reply is an interaction. */
export type CampaignPlan = {
  key: string;
  name: string;
  channel: 'email' | 'sms' | 'social';
  status: 'planned' | 'active' | 'completed';
  startDate: string;
  endDate: string;
  budgetNpr: number;
  /** Share of contacts reached (before consent filtering). */
  reach: number;
  rates: { open: number; click: number; respond: number };
  messages: readonly { name: string; subject: string; sendAt: string; body: string }[];
  notes: string;
};

export const campaignPlans: readonly CampaignPlan[] = [
  {
    key: 'ny2082', name: 'New Year 2082 deals', channel: 'email', status: 'completed', startDate: '2025-04-06', endDate: '2025-04-20', budgetNpr: 150_000, reach: 0.1,
    rates: { open: 0.34, click: 0.08, respond: 0.02 },
    messages: [{ name: 'Launch', subject: 'Naya Barsha 2082: up to 15 % off phones and TVs', sendAt: '2025-04-06T03:30:00Z', body: 'Namaste {{firstName}}, celebrate 2082 with up to 15 % off…' }],
    notes: 'Nepali New Year (Baisakh 1) promotion.'
  },
  {
    key: 'students2025', name: 'Monsoon student laptop offers 2025', channel: 'sms', status: 'completed', startDate: '2025-07-05', endDate: '2025-07-31', budgetNpr: 60_000, reach: 0.08,
    rates: { open: 0.6, click: 0.05, respond: 0.015 },
    messages: [{ name: 'SMS', subject: '', sendAt: '2025-07-07T05:00:00Z', body: 'Himal Electronics: VivoLite 14 for students at NPR 59,999 + free bag. Show your college ID.' }],
    notes: 'Back to college; SMS only.'
  },
  {
    key: 'dashain2025', name: 'Dashain offers 2025', channel: 'email', status: 'completed', startDate: '2025-09-08', endDate: '2025-10-05', budgetNpr: 450_000, reach: 0.2,
    rates: { open: 0.41, click: 0.12, respond: 0.035 },
    messages: [
      { name: 'Teaser', subject: 'Dashain is coming: our biggest offers of the year', sendAt: '2025-09-08T03:15:00Z', body: 'Namaste {{firstName}}, Dashain offers start on Ghatasthapana…' },
      { name: 'Offers live', subject: 'Dashain offers are live: EMI from 0 %, free gifts', sendAt: '2025-09-20T03:15:00Z', body: 'Dear {{firstName}}, phones, TVs and appliances with 0 % EMI…' }
    ],
    notes: 'Main festival campaign; coupons DASHAIN25.'
  },
  {
    key: 'tihar2025', name: 'Tihar gifting 2025', channel: 'social', status: 'completed', startDate: '2025-10-08', endDate: '2025-10-23', budgetNpr: 200_000, reach: 0.12,
    rates: { open: 0.5, click: 0.15, respond: 0.05 },
    messages: [{ name: 'Facebook & Instagram', subject: 'Bhai Tika gifts: earbuds and watches', sendAt: '2025-10-10T12:00:00Z', body: 'Gift your brother or sister something they will use every day…' }],
    notes: 'Social ads and posts; responses are DMs and comments.'
  },
  {
    key: 'winter2025', name: 'Winter heater & TV sale 2025', channel: 'email', status: 'completed', startDate: '2025-12-05', endDate: '2025-12-31', budgetNpr: 120_000, reach: 0.1,
    rates: { open: 0.3, click: 0.06, respond: 0.015 },
    messages: [{ name: 'Winter sale', subject: 'Stay warm: heaters and TVs for the winter', sendAt: '2025-12-05T03:30:00Z', body: 'Namaste {{firstName}}, room heaters from NPR 5,999…' }],
    notes: ''
  },
  {
    key: 'ny2083', name: 'New Year 2083 deals', channel: 'email', status: 'completed', startDate: '2026-04-06', endDate: '2026-04-20', budgetNpr: 180_000, reach: 0.12,
    rates: { open: 0.35, click: 0.09, respond: 0.022 },
    messages: [{ name: 'Launch', subject: 'Naya Barsha 2083: upgrade your phone', sendAt: '2026-04-07T03:30:00Z', body: 'Namaste {{firstName}}, exchange offers on all phones this week…' }],
    notes: ''
  },
  {
    key: 'dashain2026', name: 'Dashain offers 2026', channel: 'email', status: 'completed', startDate: '2026-09-25', endDate: '2026-10-20', budgetNpr: 500_000, reach: 0.22,
    rates: { open: 0.43, click: 0.13, respond: 0.04 },
    messages: [
      { name: 'Teaser', subject: 'Dashain 2026: save the date', sendAt: '2026-09-25T03:15:00Z', body: 'Namaste {{firstName}}, our Dashain offers open on Ghatasthapana…' },
      { name: 'Offers live', subject: 'Dashain offers are live: EMI from 0 %', sendAt: '2026-10-09T03:15:00Z', body: 'Dear {{firstName}}, Dashain prices on Nova, Orion and Lumen TVs…' }
    ],
    notes: 'Coupons DASHAIN26.'
  },
  {
    key: 'tihar2026', name: 'Tihar gifting 2026', channel: 'sms', status: 'active', startDate: '2026-11-01', endDate: '2026-11-20', budgetNpr: 90_000, reach: 0.1,
    rates: { open: 0.55, click: 0.07, respond: 0.025 },
    messages: [{ name: 'SMS', subject: '', sendAt: '2026-11-02T05:00:00Z', body: 'Himal Electronics: Tihar gifts from NPR 999. Free delivery in the valley till Bhai Tika.' }],
    notes: ''
  },
  {
    key: 'yearend2026', name: 'Year-end business laptops 2026', channel: 'email', status: 'planned', startDate: '2026-12-01', endDate: '2026-12-31', budgetNpr: 100_000, reach: 0,
    rates: { open: 0, click: 0, respond: 0 },
    messages: [{ name: 'Offer', subject: 'Year-end pricing on ThinkEdge and AeroBook for offices', sendAt: '', body: 'Dear {{firstName}}, bulk pricing for 5 or more laptops…' }],
    notes: 'Audience: business contacts.'
  }
];

/** One sending of one campaign message: its recipients (contact indices) and how far down the funnel the first few went. */
export type SendGroup = {
  campaign: number;
  message: number;
  sendMs: number;
  month: number;
  recipients: Int32Array;
  opened: number;
  clicked: number;
  responded: number;
  /** Interactions this group produces: sends + opens + clicks + replies. */
  events: number;
};

export const fixedCounts = { user: team.length, stage: 6, product: catalogue.length, campaign: campaignPlans.length, article: 14 } as const;

export function demoSizes(scale: DemoScale): Record<CollectionName, number> {
  const s = sizes[scale];
  return {
    user: fixedCounts.user,
    stage: fixedCounts.stage,
    product: fixedCounts.product,
    article: fixedCounts.article,
    campaign: fixedCounts.campaign,
    partner: s.partner ?? 0,
    account: s.account ?? 0,
    contact: s.contact ?? 0,
    opportunity: s.opportunity ?? 0,
    order: s.order ?? 0,
    ticket: s.ticket ?? 0,
    task: s.task ?? 0,
    interaction: s.interaction ?? 0,
    lead: 0,
    quote: 0,
    rule: 0,
    segment: 0
  };
}

export const productIndexBySku = new Map(catalogue.map((p, i) => [p.sku, i]));
const byCategory = new Map<Category, number[]>();
/** Catalogue indices of a category's products. */
export function productsIn(category: Category): readonly number[] {
  let list = byCategory.get(category);
  if (!list) byCategory.set(category, (list = catalogue.flatMap((p, i) => (p.category === category ? [i] : []))));
  return list;
}
export const defectiveProduct = catalogue.findIndex((p) => p.isDefective);
/** The bad production batch: complaints about the defective phone start with units sold from this day. */
export const defectFromDay = dayOfIso('2026-02-01');

/** Users by role (indices into `team`). */
export const repsOfRegion = regions.map((r) => team.flatMap((u, i) => (u.role === 'rep' && u.region === r.name ? [i] : [])));
export const userIndex = (key: (typeof team)[number]['key']): number => team.findIndex((u) => u.key === key);
export const serviceUsers = [userIndex('service-1'), userIndex('service-2'), userIndex('service-head')];

export type World = {
  scale: DemoScale;
  seed: number;
  sizes: Record<CollectionName, number>;
  account: {
    kind: Uint8Array;
    tier: Uint8Array;
    region: Uint8Array;
    city: Uint8Array;
    owner: Uint8Array;
    created: Int16Array;
    family: Uint16Array;
    street: Uint8Array;
    ward: Uint8Array;
    /** Unique display names (a repeat gets its city or street added, as people say "Everest Traders, Pokhara"). */
    names: string[];
    hasBuyer: Uint8Array;
    /** Contacts of each account: indices contacts[start[a]] … contacts[start[a + 1] − 1]. */
    contactStart: Int32Array;
    contacts: Int32Array;
    oppStart: Int32Array;
    opps: Int32Array;
    /** The last `partners` accounts are the partners' own companies. */
    firstPartner: number;
  };
  contact: {
    account: Int32Array;
    region: Uint8Array;
    owner: Uint8Array;
    acq: Int16Array;
    churn: Int16Array;
    rate: Float32Array;
    flags: Uint8Array;
    first: Uint16Array;
    last: Uint16Array;
    /** For a deliberate duplicate, the contact it copies (−1 otherwise). */
    dupOf: Int32Array;
    engagement: AliasTable;
  };
  opportunity: { account: Int32Array; closeDay: Int16Array };
  order: {
    ms: Float64Array;
    customer: Int32Array;
    kind: Uint8Array;
    main: Uint8Array;
    flags: Uint8Array;
    /** Orders (indices) whose main item is the defective phone, sold from the bad batch on. */
    defective: Int32Array;
  };
  interaction: {
    groups: SendGroup[];
    /** First global interaction index of each month; the month's campaign events come first, then everyday contacts. */
    monthStart: Int32Array;
    monthCampaign: Int32Array;
  };
};

const cache = new Map<string, World>();

/** The plan of a (scale, seed): built once and cached (a loader and its tests ask for it many times). */
export function worldOf(scale: DemoScale, seed: number): World {
  const key = `${scale}:${seed}`;
  let w = cache.get(key);
  if (!w) {
    w = buildWorld(scale, seed);
    cache.clear();
    cache.set(key, w);
  }
  return w;
}

/** Drops the cached plan: tests use it to show a batch is rebuilt from nothing but (scale, seed, index). */
export function forgetWorlds(): void {
  cache.clear();
}

function buildWorld(scale: DemoScale, seed: number): World {
  const n = demoSizes(scale);
  const account = planAccounts(seed, n.account, n.partner);
  const contact = planContacts(seed, n.contact, account, duplicates[scale]);
  const opportunity = planOpportunities(seed, n.opportunity, account);
  const order = planOrders(seed, n.order, contact);
  const interaction = planInteractions(seed, n.interaction, contact);
  return { scale, seed, sizes: n, account, contact, opportunity, order, interaction };
}

const regionWeights = regions.map((r) => r.weight);

function planAccounts(seed: number, count: number, partners: number): World['account'] {
  const a = {
    kind: new Uint8Array(count),
    tier: new Uint8Array(count),
    region: new Uint8Array(count),
    city: new Uint8Array(count),
    owner: new Uint8Array(count),
    created: new Int16Array(count),
    family: new Uint16Array(count),
    street: new Uint8Array(count),
    ward: new Uint8Array(count),
    names: new Array<string>(count),
    hasBuyer: new Uint8Array(count),
    contactStart: new Int32Array(count + 1),
    contacts: new Int32Array(0),
    oppStart: new Int32Array(count + 1),
    opps: new Int32Array(0),
    firstPartner: count - partners
  };
  const salesHead = userIndex('sales-head');
  for (let i = 0; i < count; i++) {
    const r = rngFor(seed, streams.accountPlan, i);
    const isPartner = i >= a.firstPartner;
    const kind = isPartner ? (r.chance(0.7) ? 3 : 1) : r.weightedIndex(accountKindWeights);
    a.kind[i] = kind;
    a.tier[i] = kind === HOUSEHOLD ? 2 : isPartner ? 1 : r.weightedIndex([8, 47, 45]);
    const region = r.weightedIndex(regionWeights);
    a.region[i] = region;
    a.city[i] = r.weightedIndex(regions[region].cities.map((_, c) => (c === 0 ? 5 : 1.5)));
    a.owner[i] = a.tier[i] === 0 && r.chance(0.3) ? salesHead : r.pick(repsOfRegion[region]);
    a.created[i] = r.range(-700, windowDays - 120);
    a.family[i] = r.int(nepaliLast.length);
    a.street[i] = r.int(regions[region].cities[a.city[i]].streets.length);
    a.ward[i] = r.range(1, 32);
  }
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const r = rngFor(seed, streams.accountName, i);
    const city = regions[a.region[i]].cities[a.city[i]];
    const base = accountBaseName(r, a.kind[i], a.family[i]);
    const street = city.streets[a.street[i]];
    const candidates = [base, `${base}, ${city.name}`, `${base}, ${street}`, `${base}, ${street}-${a.ward[i]}`];
    let name = candidates.find((c) => !taken.has(c));
    for (let k = 2; !name; k++) if (!taken.has(`${base} ${k}`)) name = `${base} ${k}`;
    taken.add(name);
    a.names[i] = name;
  }
  return a;
}

function accountBaseName(r: Rng, kind: number, family: number): string {
  if (kind === HOUSEHOLD) return `${nepaliLast[family]} household`;
  const parts = nameParts[accountKindCodes[kind] as BusinessKind];
  if (parts.prefix && r.chance(0.4)) return `Hotel ${r.pick(placeWords)}`;
  const head = (kind === 3 || kind === 1) && r.chance(0.35) ? nepaliLast[family] : r.pick(placeWords);
  return `${head} ${r.pick(parts.suffix)}`;
}

/** Name pools of a contact, by its flags. */
export function firstNames(flags: number): readonly string[] {
  if (flags & contactFlags.international) return internationalFirst;
  return flags & contactFlags.female ? nepaliFemaleFirst : nepaliMaleFirst;
}
export const lastNames = (flags: number): readonly string[] => (flags & contactFlags.international ? internationalLast : nepaliLast);

const accountContactWeight = (kind: number, tier: number): number => (kind === HOUSEHOLD ? 2.2 : [14, 6, 3][tier]);

function planContacts(seed: number, count: number, acc: World['account'], dupCount: number): World['contact'] {
  const accounts = acc.kind.length;
  const c = {
    account: new Int32Array(count).fill(-1),
    region: new Uint8Array(count),
    owner: new Uint8Array(count),
    acq: new Int16Array(count),
    churn: new Int16Array(count),
    rate: new Float32Array(count),
    flags: new Uint8Array(count),
    first: new Uint16Array(count),
    last: new Uint16Array(count),
    dupOf: new Int32Array(count).fill(-1),
    engagement: null as unknown as AliasTable
  };
  const accWeights = new Float64Array(accounts);
  for (let a = 0; a < accounts; a++) accWeights[a] = accountContactWeight(acc.kind[a], acc.tier[a]);
  const accAlias = new AliasTable(accWeights);
  const firstDup = count - dupCount;
  const engagement = new Float64Array(count);
  // Names must not repeat inside one account: business e-mails are first.last@company and duplicates would be false alarms.
  const namesInAccount = new Set<number>();
  for (let i = 0; i < count; i++) {
    const r = rngFor(seed, streams.contactPlan, i);
    if (i >= firstDup) {
      const of = r.int(firstDup);
      c.dupOf[i] = of;
      c.account[i] = c.account[of];
      c.region[i] = c.region[of];
      c.owner[i] = c.owner[of];
      c.first[i] = c.first[of];
      c.last[i] = c.last[of];
      c.flags[i] = (c.flags[of] & (contactFlags.business | contactFlags.international | contactFlags.female)) | contactFlags.duplicate;
      c.acq[i] = Math.min(windowDays - 1, Math.max(c.acq[of], windowDays - 200) + r.int(150));
      c.churn[i] = c.acq[i];
      engagement[i] = 0.05;
      continue;
    }
    const a = i < accounts ? i : r.chance(0.25) ? -1 : accAlias.draw(r);
    c.account[i] = a;
    const kind = a >= 0 ? acc.kind[a] : HOUSEHOLD;
    const isBusiness = a >= 0 && kind !== HOUSEHOLD;
    let flags = isBusiness ? contactFlags.business : 0;
    if (r.chance(0.5)) flags |= contactFlags.female;
    // Expats work at NGOs and offices or shop on their own; households here are Nepali families.
    if ((kind !== HOUSEHOLD || a < 0) && r.chance(a >= 0 && acc.kind[a] === 5 ? 0.25 : 0.08)) flags |= contactFlags.international;
    const isBuyer = r.chance(isBusiness ? 0.45 : a >= 0 ? 0.85 : 0.8);
    if (isBuyer) flags |= contactFlags.buyer;
    const isPremium = isBuyer && r.chance(isBusiness ? 0.06 : 0.17);
    if (isPremium) flags |= contactFlags.premium;
    if (r.chance(isPremium ? 0.3 : 0.14)) flags |= contactFlags.social;
    c.flags[i] = flags;
    c.region[i] = a >= 0 ? acc.region[a] : r.weightedIndex(regionWeights);
    c.owner[i] = a >= 0 ? acc.owner[a] : r.pick(repsOfRegion[c.region[i]]);
    const since = a >= 0 ? Math.max(-400, acc.created[a]) : -400;
    // New customers arrive with the seasons (the first purchase is a festival purchase more often than not); a
    // third of them were customers before the two-year window.
    const arrival = r.chance(0.3) ? r.range(-400, -1) : orderDays.draw(r);
    c.acq[i] = a >= 0 && i < accounts ? Math.max(acc.created[a], -400) + r.int(30) : Math.max(since, arrival);
    // Lifetimes are exponential (the Pareto/NBD and BG/NBD story): many customers quietly stop buying.
    c.churn[i] = Math.min(30_000, c.acq[i] + Math.round(r.exponential(isPremium ? 700 : 480)));
    c.rate[i] = isBuyer ? r.gamma(1.3, 1) * (isPremium ? 1.35 : 1) * (isBusiness ? 0.8 : 1) + 0.05 : 0;
    engagement[i] = (isBuyer ? 0.3 + c.rate[i] : 0.45) * (flags & contactFlags.social ? 1.6 : 1) * (isBusiness ? 1.3 : 1);
    // First and last names: pools are chosen in records.ts by the international flag; households share the family name.
    for (let tries = 0; ; tries++) {
      c.first[i] = r.int(firstNames(flags).length);
      c.last[i] = kind === HOUSEHOLD && a >= 0 ? acc.family[a] : r.int(lastNames(flags).length);
      const key = a * 0x40000 + (flags & contactFlags.international ? 0x20000 : 0) + (c.first[i] << 8) + c.last[i];
      if (!isBusiness || tries > 50 || !namesInAccount.has(key)) {
        if (isBusiness) namesInAccount.add(key);
        break;
      }
    }
  }
  for (let i = 0; i < count; i++) if (c.account[i] >= 0 && c.flags[i] & contactFlags.buyer) acc.hasBuyer[c.account[i]] = 1;
  c.engagement = new AliasTable(engagement);
  // Contacts per account, as a compressed index (CSR) so opportunities and tasks can pick "someone at the account".
  const perAccount = new Int32Array(accounts);
  for (let i = 0; i < count; i++) if (c.account[i] >= 0 && c.dupOf[i] < 0) perAccount[c.account[i]]++;
  let total = 0;
  for (let a = 0; a < accounts; a++) {
    acc.contactStart[a] = total;
    total += perAccount[a];
  }
  acc.contactStart[accounts] = total;
  acc.contacts = new Int32Array(total);
  const fill = acc.contactStart.slice(0, accounts);
  for (let i = 0; i < count; i++) if (c.account[i] >= 0 && c.dupOf[i] < 0) acc.contacts[fill[c.account[i]]++] = i;
  return c;
}

/** Opportunities are B2B deals: businesses (key accounts most) and a few big household purchases. */
function planOpportunities(seed: number, count: number, acc: World['account']): World['opportunity'] {
  const accounts = acc.kind.length;
  const weights = new Float64Array(accounts);
  for (let a = 0; a < acc.firstPartner; a++) weights[a] = acc.kind[a] === HOUSEHOLD ? 0.08 : [12, 3, 1][acc.tier[a]];
  const alias = new AliasTable(weights);
  const o = { account: new Int32Array(count), closeDay: new Int16Array(count) };
  for (let i = 0; i < count; i++) {
    const r = rngFor(seed, streams.opportunityPlan, i);
    o.account[i] = alias.draw(r);
    // Close dates from 18 months back to two quarters ahead of the reference date.
    o.closeDay[i] = r.range(windowDays - 540, windowDays + 180);
  }
  const per = new Int32Array(accounts);
  for (let i = 0; i < count; i++) per[o.account[i]]++;
  let total = 0;
  for (let a = 0; a < accounts; a++) {
    acc.oppStart[a] = total;
    total += per[a];
  }
  acc.oppStart[accounts] = total;
  acc.opps = new Int32Array(total);
  const fill = acc.oppStart.slice(0, accounts);
  for (let i = 0; i < count; i++) acc.opps[fill[o.account[i]]++] = i;
  return o;
}

const highEnd = productsIn('High-end phones');
const budget = productsIn('Budget phones');
const laptops = productsIn('Laptops');
const tvs = productsIn('TVs');
const appliances = productsIn('Appliances');
const watches = productsIn('Smart watches');
/** Accessory-only baskets: mostly chargers, cables, cards and cheap earbuds; cases are bought with phones. */
const accessoryMain = [
  ...productsIn('Chargers'), ...productsIn('Chargers'), ...productsIn('Accessories').filter((i) => catalogue[i].price < 2_000),
  ...productsIn('Earbuds').filter((i) => catalogue[i].price < 5_000), ...productsIn('Phone cases').filter((i) => !catalogue[i].family)
];

/** Basket kind weights: [high-end, budget, laptop, tv, appliance, accessory, watch]. */
const kindWeights = {
  general: [6, 26, 12, 9, 15, 24, 8],
  premium: [46, 3, 14, 8, 6, 14, 9],
  business: [8, 14, 30, 14, 14, 14, 6]
};

function chooseKind(r: Rng, flags: number, day: number): number {
  const w = [...(flags & contactFlags.premium ? kindWeights.premium : flags & contactFlags.business ? kindWeights.business : kindWeights.general)];
  if (isFestivalDay(day)) {
    // Festival gifts and home upgrades: more TVs, appliances and phones.
    w[0] *= 1.3;
    w[3] *= 1.8;
    w[4] *= 1.6;
  }
  if (flags & contactFlags.business && r.chance(0.35)) return kinds.bulk;
  return r.weightedIndex(w);
}

function chooseMain(r: Rng, kind: number, day: number): number {
  switch (kind) {
    case kinds.highEnd:
      return r.pick(highEnd);
    case kinds.budget: {
      // The defective phone sells well (cheap, 5,000 mAh): a steady share of budget phone sales.
      return r.chance(0.22) ? budget[0] : r.pick(budget.slice(1));
    }
    case kinds.laptop:
      return r.pick(laptops);
    case kinds.tv:
      return r.pick(tvs);
    case kinds.appliance: {
      const month = new Date(dayMs(day)).getUTCMonth();
      // Heaters in winter, ACs in the hot months.
      const w = appliances.map((p) => (catalogue[p].sku === 'AP-RH20' ? (month >= 10 || month <= 1 ? 6 : 0.3) : catalogue[p].sku === 'AP-AC15' ? (month >= 3 && month <= 7 ? 4 : 0.4) : 1));
      return appliances[r.weightedIndex(w)];
    }
    case kinds.accessory:
      return r.pick(accessoryMain);
    case kinds.watch:
      return r.pick(watches);
    default:
      return r.pick([...laptops, ...tvs, ...budget, laptops[3], laptops[4], tvs[0]]);
  }
}

/** Shop hours (or any waking hour for online orders), as ms after midnight UTC. */
export function timeOfDayMs(r: Rng, isOnline = false): number {
  const minutes = isOnline ? r.range(0, 17 * 60) + 15 : shopOpenUtcMin + r.int(shopHoursMin);
  return minutes * 60_000 + r.int(60) * 1000;
}

/**
 * The order skeleton: who buys what when. Days follow the seasonal curve; customers are drawn by purchase rate
 * among those already acquired and not yet lapsed (so recency means something); high-end phone buyers often take a
 * case and earbuds in the same basket, and half of those who do not come back for them within weeks.
 */
function planOrders(seed: number, count: number, c: World['contact']): World['order'] {
  const dayAlias = orderDays;
  const buyers = new AliasTable(c.rate);
  const ms = new Float64Array(count);
  const customer = new Int32Array(count);
  const kind = new Uint8Array(count);
  const main = new Uint8Array(count);
  const flags = new Uint8Array(count);
  let n = 0;
  const push = (t: number, cust: number, k: number, m: number, f: number) => {
    ms[n] = t;
    customer[n] = cust;
    kind[n] = k;
    main[n] = m;
    flags[n] = f;
    n++;
  };
  const basket = (r: Rng, day: number, cust: number) => {
    const f = c.flags[cust];
    const kd = chooseKind(r, f, day);
    const m = chooseMain(r, kd, day);
    const t = dayMs(day) + timeOfDayMs(r, r.chance(0.25));
    let of = 0;
    if (kd === kinds.highEnd) {
      if (r.chance(0.55)) of |= orderFlags.withCase;
      if (r.chance(0.42)) of |= orderFlags.withEarbuds;
    }
    push(t, cust, kd, m, of);
    if (kd === kinds.highEnd && of !== (orderFlags.withCase | orderFlags.withEarbuds) && n < count && r.chance(0.55)) {
      const later = day + r.range(4, 35);
      if (later < windowDays) {
        let need = 0;
        if (!(of & orderFlags.withCase) && r.chance(0.85)) need |= orderFlags.withCase;
        if (!(of & orderFlags.withEarbuds) && r.chance(0.6)) need |= orderFlags.withEarbuds;
        if (need) push(dayMs(later) + timeOfDayMs(r, r.chance(0.4)), cust, kinds.followUp, m, need);
      }
    }
  };
  // Every customer acquired inside the window buys on the day they arrive: "birth" in the BG/NBD sense.
  for (let i = 0; i < c.acq.length && n < count; i++) {
    if (c.rate[i] > 0 && c.acq[i] >= 0) basket(rngFor(seed, streams.orderPlan, -1 - i), c.acq[i], i);
  }
  // Repeat purchases: days follow the seasonal curve; customers are drawn by their rate among those still buying.
  for (let k = 0; n < count; k++) {
    const r = rngFor(seed, streams.orderPlan, k);
    const day = dayAlias.draw(r);
    let cust = buyers.draw(r);
    for (let tries = 0; tries < 60 && !(c.acq[cust] < day && day <= c.churn[cust]); tries++) cust = buyers.draw(r);
    basket(r, day, cust);
  }
  // Sort by time so order numbers grow with dates and each batch touches one or two month docs.
  const order = Array.from({ length: count }, (_, i) => i).sort((x, y) => ms[x] - ms[y] || x - y);
  const take = <T extends Float64Array | Int32Array | Uint8Array>(src: T, dst: T): T => {
    for (let i = 0; i < count; i++) dst[i] = src[order[i]];
    return dst;
  };
  const sorted = {
    ms: take(ms, new Float64Array(count)),
    customer: take(customer, new Int32Array(count)),
    kind: take(kind, new Uint8Array(count)),
    main: take(main, new Uint8Array(count)),
    flags: take(flags, new Uint8Array(count)),
    defective: new Int32Array(0)
  };
  const fromMs = dayMs(defectFromDay);
  const bad: number[] = [];
  for (let i = 0; i < count; i++) if (sorted.main[i] === defectiveProduct && sorted.ms[i] >= fromMs && sorted.kind[i] === kinds.budget) bad.push(i);
  sorted.defective = Int32Array.from(bad);
  return sorted;
}

const monthOfDay = (day: number): number => {
  let lo = 0;
  let hi = months.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (months[mid].firstDay <= day) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};

/**
 * Campaign audiences (contacts acquired before the send who consented to the channel, or follow the shop on social
 * media) and the month-by-month split of the remaining everyday interactions.
 */
function planInteractions(seed: number, count: number, c: World['contact']): World['interaction'] {
  const contacts = c.acq.length;
  const groups: SendGroup[] = [];
  campaignPlans.forEach((plan, ci) => {
    if (plan.reach <= 0) return;
    const r = rngFor(seed, streams.campaignPlan, ci);
    const firstSend = Date.parse(plan.messages[0].sendAt);
    const sendDay = dayOfMs(firstSend);
    const eligible: number[] = [];
    for (let i = 0; i < contacts; i++) {
      if (c.acq[i] > sendDay || c.dupOf[i] >= 0) continue;
      if (plan.channel === 'social' ? c.flags[i] & contactFlags.social : consentOf(seed, i, plan.channel)) eligible.push(i);
    }
    r.shuffle(eligible);
    const size = Math.min(eligible.length, Math.round(contacts * plan.reach));
    // Responders lean towards people who buy more (they are the ones who open offers): sort the audience so
    // the funnel's first places go to higher-rate contacts, with noise so it is a tendency, not a rule.
    const audience = eligible.slice(0, size).map((i) => ({ i, key: (c.rate[i] + 0.2) * r.real(0.2, 1.8) }));
    audience.sort((x, y) => y.key - x.key || x.i - y.i);
    const recipients = Int32Array.from(audience.map((x) => x.i));
    // Opens are random across the audience; clicks and replies come from those who opened, biased as above.
    plan.messages.forEach((m, mi) => {
      if (!m.sendAt) return;
      const sendMs = Date.parse(m.sendAt);
      const shrink = mi === 0 && plan.messages.length > 1 ? 0.8 : 1;
      const opened = Math.round(size * plan.rates.open * shrink);
      const clicked = Math.round(size * plan.rates.click * shrink);
      const responded = Math.round(size * plan.rates.respond * shrink);
      groups.push({ campaign: ci, message: mi, sendMs, month: monthOfDay(dayOfMs(sendMs)), recipients, opened, clicked, responded, events: size + opened + clicked + responded });
    });
  });
  const campaignPerMonth = new Int32Array(months.length);
  for (const g of groups) campaignPerMonth[g.month] += g.events;
  const campaignTotal = campaignPerMonth.reduce((a, b) => a + b, 0);
  const everyday = Math.max(0, count - campaignTotal);
  // Largest-remainder split of the everyday interactions over months by the seasonal weight.
  const weights = months.map((m) => {
    let w = 0;
    for (let d = m.firstDay; d <= m.lastDay; d++) w += interactionDayWeight(d);
    return w;
  });
  const totalW = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (everyday * w) / totalW);
  const alloc = exact.map(Math.floor);
  let rest = everyday - alloc.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k++, rest--) alloc[byRemainder[k % alloc.length][1]]++;
  const monthStart = new Int32Array(months.length + 1);
  for (let m = 0; m < months.length; m++) monthStart[m + 1] = monthStart[m] + campaignPerMonth[m] + alloc[m];
  if (monthStart[months.length] !== count) throw new Error(`demo plan: ${monthStart[months.length]} interactions planned, ${count} wanted`);
  return { groups, monthStart, monthCampaign: campaignPerMonth };
}

/** Consent of a contact per channel: a pure function of (seed, contact) so the plan and the record agree. */
export function consentOf(seed: number, contact: number, channel: 'email' | 'sms' | 'phone'): boolean {
  const h = mix(seed, codes.contact, contact, 777);
  const p = channel === 'email' ? 0.62 : channel === 'sms' ? 0.48 : 0.3;
  const bits = channel === 'email' ? h & 0x3ff : channel === 'sms' ? (h >>> 10) & 0x3ff : (h >>> 20) & 0x3ff;
  return bits / 1024 < p;
}

export { monthOfDay };
