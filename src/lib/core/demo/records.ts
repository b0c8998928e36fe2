// The record makers of the demo: each record is a pure function of (plan, seed, index), so any batch can be rebuilt alone.
import { generateKeyBetween } from 'fractional-indexing';
import type { RecordInput } from '../commands/records';
import { collections, type CollectionName } from '../model/registry';
import { defaultStages } from '../model/opportunity';
import type { Channel } from '../model/common';
import type { Interaction } from '../model/interaction';
import { demoId } from './ids';
import { mix, rngFor, type Rng } from './random';
import {
  articleTexts, complaintSubjects, incidentSubjects, inquiryTopics, lostReasons, nextSteps, opportunitySources, orderTopics,
  questionSubjects, requestSubjects, resolutions, salesTopics, supportTopics, wonReasons
} from './content';
import { catalogue, companyDomain, currency, jobTitles, nameParts, personalEmailDomains, regions, team, type BusinessKind } from './names';
import {
  accountKindCodes, campaignPlans, codes, consentOf, contactFlags, DAY_MS, dayMs, dayOfMs, defectFromDay, defectiveProduct, firstNames,
  isFestivalDay, kinds, lastNames, months, orderFlags, productIndexBySku, productsIn, referenceMs, serviceUsers, shopHoursMin,
  shopOpenUtcMin, streams, tierCodes, timeOfDayMs, userIndex, windowDays, type World
} from './world';

/** A record as the demo hands it to `createRecords`: its id is fixed, and `createdAt` may lie in the past. */
export type DemoInput<N extends CollectionName> = RecordInput<N> & { id: string; createdAt: string };

export const bucketsOf = (c: CollectionName): number => {
  const shard = collections[c].shard;
  return shard.kind === 'bucket' ? shard.buckets : 1;
};

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const iso = (ms: number): string => new Date(ms).toISOString();
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const npr = (amount: number) => ({ amount: Math.round(amount) * 100, currency });
const ascii = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
const positions: string[] = (() => {
  const out: string[] = [];
  let last: string | null = null;
  for (let i = 0; i < 40; i++) out.push((last = generateKeyBetween(last, null)));
  return out;
})();
/** Clock time in shop hours for a seed, as ms after midnight UTC. */
const shopTime = (h: number): number => (shopOpenUtcMin + (h % shopHoursMin)) * 60_000 + ((h >>> 16) % 60) * 1000;
const clampNow = (ms: number): number => Math.min(ms, referenceMs);

/** Catalogue index of a SKU. */
const bySku = (sku: string): number => {
  const i = productIndexBySku.get(sku);
  if (i === undefined) throw new Error(`unknown demo SKU ${sku}`);
  return i;
};
const caseOfFamily = new Map(catalogue.flatMap((item, i) => (item.category === 'Phone cases' && item.family ? [[item.family, i] as const] : [])));
const genericCases = [bySku('CS-UNI'), bySku('CS-FLIP')];
const premiumEarbuds = [bySku('EB-ATP'), bySku('EB-ATP'), bySku('EB-ATL')];
const budgetEarbuds = [bySku('EB-BP2'), bySku('EB-STS'), bySku('EB-ATL')];
const chargers = productsIn('Chargers');
const smallAppliances = [bySku('AP-RC18'), bySku('AP-IND'), bySku('AP-MW25')];
const bigAppliances = new Set([bySku('AP-AC15'), bySku('AP-FR260'), bySku('AP-WM7')]);

type Line = { product: number; quantity: number; discountPct: number };

// ---------------------------------------------------------------------------------------------------------------
// The generator of one world: references between records are ids computed from indices (and cached).

export type RecordMaker = { w: World; make: (c: CollectionName, n: number) => DemoInput<CollectionName> };
const generators = new WeakMap<World, RecordMaker>();

/** The record maker of a plan (cached with it: it holds the ids of records others point at). */
export function generatorOf(w: World): RecordMaker {
  let g = generators.get(w);
  if (!g) {
    g = makeGenerator(w);
    generators.set(w, g);
  }
  return g;
}

function makeGenerator(w: World): RecordMaker {
  const seed = w.seed;
  const acc = w.account;
  const con = w.contact;
  const ord = w.order;
  const idCache = new Map<number, string[]>();
  const cachedId = (code: number, n: number, ms: () => number, buckets: number): string => {
    let list = idCache.get(code);
    if (!list) idCache.set(code, (list = []));
    return (list[n] ??= demoId(seed, code, n, ms(), buckets));
  };
  const tod = (code: number, n: number) => shopTime(mix(seed, streams.idTime, code, n));

  const userMs = (u: number) => Date.UTC(2023, 0, 9) + u * 23 * DAY_MS + tod(codes.user, u);
  const productMs = (i: number) => Date.UTC(2023, 2, 1) + i * 5 * DAY_MS + tod(codes.product, i);
  const accountMs = (a: number) => dayMs(acc.created[a]) + tod(codes.account, a);
  const contactMs = (c: number) => dayMs(con.acq[c]) + tod(codes.contact, c);
  const partnerMs = (i: number) => dayMs(Math.min(acc.created[acc.firstPartner + i] + 20, windowDays - 200)) + tod(codes.partner, i);
  const campaignMs = (i: number) => Date.parse(`${campaignPlans[i].startDate}T00:00:00Z`) - 18 * DAY_MS + tod(codes.campaign, i);
  const oppCreatedDay = (o: number) => {
    const close = Math.min(w.opportunity.closeDay[o], windowDays - 1);
    return Math.max(close - 20 - (mix(seed, codes.opportunity, o, 5) % 130), -650);
  };
  const oppMs = (o: number) => dayMs(oppCreatedDay(o)) + tod(codes.opportunity, o);

  const userId = (u: number) => cachedId(codes.user, u, () => userMs(u), 1);
  const productId = (i: number) => cachedId(codes.product, i, () => productMs(i), bucketsOf('product'));
  const accountId = (a: number) => (a < 0 ? '' : cachedId(codes.account, a, () => accountMs(a), bucketsOf('account')));
  const contactId = (c: number) => cachedId(codes.contact, c, () => contactMs(c), bucketsOf('contact'));
  const partnerId = (i: number) => cachedId(codes.partner, i, () => partnerMs(i), bucketsOf('partner'));
  const campaignId = (i: number) => cachedId(codes.campaign, i, () => campaignMs(i), bucketsOf('campaign'));
  const opportunityId = (o: number) => cachedId(codes.opportunity, o, () => oppMs(o), bucketsOf('opportunity'));
  const orderId = (k: number) => demoId(seed, codes.order, k, ord.ms[k], 1);
  const admin = userIndex('admin');
  const marketing = userIndex('marketing');

  const contactName = (c: number) => {
    const f = con.flags[c];
    return { first: firstNames(f)[con.first[c]], last: lastNames(f)[con.last[c]] };
  };
  const accountKind = (a: number): BusinessKind | 'household' => accountKindCodes[acc.kind[a]] as BusinessKind | 'household';
  const domainOf = (a: number) => {
    const kind = accountKind(a);
    const slug = ascii(acc.names[a].split(',')[0]).slice(0, 24) || 'mail';
    return kind === 'household' ? '' : `${slug}.${nameParts[kind].domain}`;
  };
  /** A unique mobile number per contact: the 7 subscriber digits are a bijection of the index. */
  const mobileOf = (c: number) => {
    const digits = String((c * 7_919 + 1_234_567 + (mix(seed, 3) % 1000)) % 10_000_000).padStart(7, '0');
    return `+977 98${mix(seed, codes.contact, c, 9) % 7}-${digits}`;
  };
  const landlineOf = (a: number) => {
    const region = regions[acc.region[a]];
    const digits = region.areaCode === '1' ? 4_000_000 + ((a * 7_919 + 17) % 1_000_000) : 500_000 + ((a * 7_919 + 17) % 100_000);
    return `+977 ${region.areaCode}-${digits}`;
  };
  const addressOf = (a: number) => {
    const region = regions[acc.region[a]];
    const city = region.cities[acc.city[a]];
    return { street: `${city.streets[acc.street[a]]}, Ward ${acc.ward[a]}`, city: city.name, region: region.province, postalCode: city.postalCode, country: 'Nepal' };
  };

  // -- users, stages, products, articles, campaigns ------------------------------------------------------------

  const user = (u: number): DemoInput<'user'> => {
    const t = team[u];
    const [first, ...rest] = t.name.split(' ');
    const isKtm = t.region === 'Kathmandu';
    return {
      id: userId(u),
      createdAt: iso(userMs(u)),
      owner: userId(admin),
      name: t.name,
      email: `${ascii(first)}.${ascii(rest.join(''))}@${companyDomain}`,
      role: t.role,
      team: t.team,
      region: t.region,
      isActive: true,
      quarterlyQuota: t.role === 'rep' ? npr(isKtm ? 30_000_000 : 18_000_000) : t.key === 'sales-head' ? npr(150_000_000) : null
    };
  };

  const stage = (i: number): DemoInput<'stage'> => {
    const s = defaultStages[i];
    return { id: s.id, createdAt: iso(userMs(admin) + DAY_MS), owner: userId(admin), name: s.name, position: positions[i], probability: s.probability, outcome: s.outcome };
  };

  const product = (i: number): DemoInput<'product'> => {
    const item = catalogue[i];
    return {
      id: productId(i),
      createdAt: iso(productMs(i)),
      owner: userId(admin),
      name: item.name,
      sku: item.sku,
      category: item.category,
      description: item.description,
      isActive: true,
      unitCost: Math.round(item.price * item.costShare) * 100,
      currency,
      prices: [
        { id: 'standard', position: positions[0], priceBook: 'Standard', unitPrice: item.price * 100, currency },
        { id: 'dealer', position: positions[1], priceBook: 'Dealer', unitPrice: Math.round(item.price * 0.93) * 100, currency }
      ]
    };
  };

  const article = (i: number): DemoInput<'article'> => {
    const a = articleTexts[i % articleTexts.length];
    return {
      id: demoId(seed, codes.article, i, dayMs(-300 + i * 37) + tod(codes.article, i), bucketsOf('article')),
      createdAt: iso(dayMs(-300 + i * 37) + tod(codes.article, i)),
      owner: userId(i % 3 === 0 ? userIndex('service-head') : serviceUsers[i % 2]),
      title: a.title,
      summary: a.summary,
      body: a.body,
      category: a.category,
      status: a.status,
      productIds: a.skus.map((sku) => productId(bySku(sku))),
      tags: [...a.tags]
    };
  };

  const campaign = (i: number): DemoInput<'campaign'> => {
    const c = campaignPlans[i];
    return {
      id: campaignId(i),
      createdAt: iso(campaignMs(i)),
      owner: userId(marketing),
      name: c.name,
      channel: c.channel,
      status: c.status,
      audienceId: '',
      startDate: c.startDate,
      endDate: c.endDate,
      budget: npr(c.budgetNpr),
      messages: c.messages.map((m, k) => ({ id: `m${k + 1}`, position: positions[k], name: m.name, subject: m.subject, body: m.body, sentAt: m.sendAt || null })),
      notes: c.notes
    };
  };

  // -- accounts, partners, contacts ------------------------------------------------------------------------------

  const account = (a: number): DemoInput<'account'> => {
    const r = rngFor(seed, codes.account, a);
    const kind = accountKind(a);
    const tier = tierCodes[acc.tier[a]];
    const isPartner = a >= acc.firstPartner;
    const domain = domainOf(a);
    const revenue = kind === 'household' ? null : npr(Math.round(r.logNormal([400_000_000, 60_000_000, 12_000_000][acc.tier[a]], 0.6) / 1000) * 1000);
    const tags: string[] = [];
    if (tier === 'key') tags.push('key-account');
    if (kind === 'school' && r.chance(0.4)) tags.push('education-programme');
    if (kind === 'hotel' && r.chance(0.3)) tags.push('hospitality');
    return {
      id: accountId(a),
      createdAt: iso(accountMs(a)),
      owner: userId(acc.owner[a]),
      name: acc.names[a],
      kind: isPartner ? 'partner' : acc.hasBuyer[a] ? 'customer' : r.chance(0.03) ? 'supplier' : 'prospect',
      tier,
      industry: kind === 'household' ? 'Household' : nameParts[kind].industry,
      website: domain ? `www.${domain}` : '',
      phone: kind === 'household' ? '' : landlineOf(a),
      email: domain ? `${r.pick(['info', 'office', 'contact', 'admin'])}@${domain}` : '',
      address: addressOf(a),
      region: regions[acc.region[a]].name,
      annualRevenue: revenue,
      parentId: '',
      tags,
      notes: tier === 'key' ? 'Key account: quarterly review with the sales head.' : ''
    };
  };

  const partner = (i: number): DemoInput<'partner'> => {
    const r = rngFor(seed, codes.partner, i);
    const a = acc.firstPartner + i;
    const kind = r.pick(['reseller', 'reseller', 'reseller', 'referral', 'service', 'distributor'] as const);
    const first = acc.contactStart[a] < acc.contactStart[a + 1] ? acc.contacts[acc.contactStart[a]] : -1;
    return {
      id: partnerId(i),
      createdAt: iso(partnerMs(i)),
      owner: userId(acc.owner[a]),
      name: acc.names[a],
      accountId: accountId(a),
      contactId: first >= 0 ? contactId(first) : '',
      kind,
      tier: r.pick(['platinum', 'gold', 'gold', 'silver', 'silver', 'registered'] as const),
      region: regions[acc.region[a]].name,
      commissionPct: kind === 'reseller' ? r.range(4, 8) : kind === 'referral' ? r.pick([1, 1.5, 2]) : kind === 'distributor' ? 3 : 0,
      isActive: r.chance(0.9),
      notes: kind === 'referral' ? 'Refers EMI customers from its branches.' : ''
    };
  };

  const contact = (c: number): DemoInput<'contact'> => {
    const r = rngFor(seed, codes.contact, c);
    const f = con.flags[c];
    const a = con.account[c];
    const { first, last } = contactName(c);
    const dup = con.dupOf[c];
    const isBusiness = (f & contactFlags.business) !== 0;
    const kind = a >= 0 ? accountKind(a) : 'household';
    const num = `${(c % 90) + 10}${Math.floor(c / 90)}`;
    const personal = (variant: number) => {
      const local = [`${ascii(first)}${ascii(last)}${num}`, `${ascii(first)}.${ascii(last)}${num}`, `${ascii(first)}_${num}`][variant % 3];
      return `${local}@${personalEmailDomains[variant % personalEmailDomains.length]}`;
    };
    const variant = mix(seed, codes.contact, c, 2);
    let email = isBusiness ? `${ascii(first)}.${ascii(last)}@${domainOf(a)}` : r.chance(0.85) ? personal(variant) : '';
    if (dup >= 0) email = `${ascii(first)}${ascii(last)}${num}@yahoo.com`;
    const base = dup >= 0 ? dup : c;
    const mobile = mobileOf(base);
    const ext = 100 + (mix(seed, codes.contact, base, 4) % 800);
    const social = (f & contactFlags.social) !== 0;
    const preferredChannel: Channel | null = social
      ? r.pick(['social', 'social', 'phone', 'email'] as const)
      : [null, 'phone', 'email', 'sms', 'in-person'][r.weightedIndex([5, 40, isBusiness ? 35 : 22, 15, 15])] as Channel | null;
    const consent = { email: consentOf(seed, c, 'email') && email !== '', sms: consentOf(seed, c, 'sms'), phone: consentOf(seed, c, 'phone'), at: '' };
    const createdMs = contactMs(c);
    if (consent.email || consent.sms || consent.phone) consent.at = iso(createdMs);
    const city = a >= 0 ? addressOf(a) : null;
    const region = regions[con.region[c]];
    const ownCity = region.cities[mix(seed, codes.contact, c, 6) % region.cities.length];
    const tags: string[] = [];
    if (con.rate[c] > 2.2) tags.push('vip');
    if (isBusiness) tags.push('b2b');
    if (f & contactFlags.international) tags.push('expat');
    const source = dup >= 0 ? 'walk-in' : social ? r.pick(['facebook', 'instagram', 'tiktok', 'walk-in']) : isBusiness ? r.pick(['trade fair', 'referral', 'sales visit', 'website']) : retailSource(r);
    return {
      id: contactId(c),
      createdAt: iso(createdMs),
      owner: userId(con.owner[c]),
      firstName: first,
      lastName: last,
      email,
      otherEmails: isBusiness && r.chance(0.2) ? [personal(variant + 1)] : [],
      phone: isBusiness ? `${landlineOf(a)} ext. ${ext}` : mobile,
      mobile: isBusiness ? mobile : '',
      title: isBusiness ? r.pick(jobTitles[kind as BusinessKind]) : '',
      accountId: accountId(a),
      company: a >= 0 ? acc.names[a] : '',
      address:
        kind === 'household' && city
          ? city
          : city
            ? { street: '', city: city.city, region: city.region, postalCode: city.postalCode, country: 'Nepal' }
            : { street: `${r.pick(ownCity.streets)}, Ward ${r.range(1, 20)}`, city: ownCity.name, region: region.province, postalCode: ownCity.postalCode, country: 'Nepal' },
      preferredChannel,
      consent,
      birthday: r.chance(0.35) ? isoDate(Date.UTC(r.range(1962, 2006), r.int(12), r.range(1, 28))) : '',
      source,
      tags,
      notes: dup >= 0 ? 'Created at the counter; may be the same person as an existing contact.' : ''
    };
  };

  // -- opportunities -------------------------------------------------------------------------------------------------

  const dealProducts: Record<string, readonly string[]> = {
    school: ['LT-CH11', 'LT-CH11', 'LT-VL14', 'TV-L55', 'AC-STB'],
    office: ['LT-TE14', 'LT-AB14', 'LT-AB15', 'PH-OS24', 'AP-AC15', 'TV-L55'],
    hotel: ['TV-L43', 'TV-L43', 'TV-S32', 'AP-AC15', 'AP-FR260', 'AP-RH20'],
    shop: ['PH-RW13C', 'PH-ZA05', 'PH-VP30', 'EB-BP2', 'CH-C25'],
    clinic: ['LT-TE14', 'AP-AC15', 'AP-RO', 'TV-L43'],
    ngo: ['LT-VL14', 'LT-AB14', 'PH-ZA15', 'AP-RO'],
    bank: ['LT-TE14', 'PH-OS24', 'TV-L55'],
    household: ['TV-L65Q', 'AP-AC15', 'PH-KF5', 'AP-FR260']
  };
  const repSkill = new Map<number, number>([
    [userIndex('rep-ktm-2'), 0.45],
    [userIndex('rep-brt'), -0.35],
    [userIndex('sales-head'), 0.3]
  ]);

  const opportunity = (o: number): DemoInput<'opportunity'> => {
    const r = rngFor(seed, codes.opportunity, o);
    const a = w.opportunity.account[o];
    const kind = accountKind(a);
    const tierCode = acc.tier[a];
    const prod = bySku(r.pick(dealProducts[kind]));
    const item = catalogue[prod];
    const qty = kind === 'household' ? r.range(1, 2) : Math.max(2, Math.round(r.logNormal([30, 10, 4][tierCode], 0.5) * (item.price < 10_000 ? 4 : 1)));
    const discount = r.range(2, 12);
    const amountNpr = qty * item.price * (1 - discount / 100);
    const source = opportunitySources[r.weightedIndex([18, 16, 14, 14, 10, 10, 18])];
    const closeDay = w.opportunity.closeDay[o];
    const today = windowDays - 1;
    const contacts = acc.contactStart[a + 1] - acc.contactStart[a];
    const contactIdx = contacts > 0 ? acc.contacts[acc.contactStart[a] + r.int(contacts)] : -1;
    const owner = acc.owner[a];
    // Win odds: referrals, repeat customers and key accounts win more; campaigns and big tickets less; reps differ.
    const sourceEffect: Record<string, number> = { referral: 0.9, 'repeat customer': 1.0, partner: 0.4, website: 0, 'walk-in': 0.2, campaign: -0.6, 'trade fair': -0.3 };
    const z = -0.25 + sourceEffect[source] + [0.6, 0, -0.25][tierCode] - 0.45 * Math.log10(amountNpr / 100_000) + (repSkill.get(owner) ?? 0) + (isFestivalDay(Math.min(closeDay, today)) ? 0.25 : 0);
    const isWin = r.next() < 1 / (1 + Math.exp(-z));
    let stage: string;
    let closedMs: number | null = null;
    if (closeDay < today - 5) {
      if (r.chance(0.05)) stage = r.pick(['proposal', 'negotiation']);
      else {
        stage = isWin ? 'won' : 'lost';
        closedMs = clampNow(dayMs(closeDay + r.range(-6, 3)) + timeOfDayMs(r));
      }
    } else {
      const roll = r.next();
      const ahead = closeDay - today;
      if (roll < 0.05) {
        stage = 'won';
        closedMs = clampNow(dayMs(today - r.range(0, 20)) + timeOfDayMs(r));
      } else if (roll < 0.09) {
        stage = 'lost';
        closedMs = clampNow(dayMs(today - r.range(0, 20)) + timeOfDayMs(r));
      } else {
        const near = Math.max(0, 1 - ahead / 180);
        stage = ['prospecting', 'qualification', 'proposal', 'negotiation'][r.weightedIndex([1.5 - near, 1.3 - near * 0.5, 1 + near * 0.5, 0.4 + near * 1.4])];
      }
    }
    const createdMs = Math.min(oppMs(o), closedMs ?? referenceMs);
    const closeDate = closedMs !== null ? isoDate(closedMs) : isoDate(dayMs(closeDay));
    return {
      id: opportunityId(o),
      createdAt: iso(createdMs),
      owner: userId(owner),
      name: `${acc.names[a]} – ${qty} × ${item.name}`,
      accountId: accountId(a),
      contactId: contactIdx >= 0 ? contactId(contactIdx) : '',
      stage,
      amount: npr(Math.round(amountNpr)),
      closeDate,
      probability: null,
      nextStep: closedMs === null ? r.pick(nextSteps) : '',
      source,
      leadId: '',
      partnerId: source === 'partner' && w.sizes.partner > 0 ? partnerId(r.int(w.sizes.partner)) : '',
      closedAt: closedMs !== null ? iso(closedMs) : null,
      lostReason: stage === 'lost' ? r.pick(lostReasons) : '',
      wonReason: stage === 'won' ? r.pick(wonReasons) : '',
      notes: ''
    };
  };

  // -- orders ------------------------------------------------------------------------------------------------------

  /** The lines of order k, from their own stream so tickets can read an order's products without building it. */
  const linesOf = (k: number): Line[] => {
    const r = rngFor(seed, streams.orderLines, k);
    const kind = ord.kind[k];
    const main = ord.main[k];
    const flags = ord.flags[k];
    const festival = isFestivalDay(dayOfMs(ord.ms[k]));
    const lines: Line[] = [];
    const add = (product: number, quantity = 1) => {
      const existing = lines.find((l) => l.product === product);
      if (existing) existing.quantity += quantity;
      else lines.push({ product, quantity, discountPct: 0 });
    };
    const family = catalogue[main].family;
    const caseFor = () => (family && caseOfFamily.has(family) && r.chance(0.85) ? caseOfFamily.get(family)! : r.pick(genericCases));
    switch (kind) {
      case kinds.highEnd:
        add(main);
        if (r.chance(0.6)) add(bySku('AC-SGP'));
        if (flags & orderFlags.withCase) add(caseFor());
        if (flags & orderFlags.withEarbuds) add(r.pick(premiumEarbuds));
        if (r.chance(0.22)) add(r.pick([bySku('CH-GAN65'), bySku('CH-C25')]));
        if (r.chance(0.08)) add(family === 'orion' ? bySku('SW-OW6') : bySku('SW-PW3'));
        break;
      case kinds.followUp:
        if (flags & orderFlags.withCase) add(caseFor());
        if (flags & orderFlags.withEarbuds) add(r.pick(premiumEarbuds));
        if (r.chance(0.2)) add(bySku('AC-SGP'));
        if (r.chance(0.12)) add(bySku('CH-C25'));
        break;
      case kinds.budget:
        add(main);
        if (r.chance(0.55)) add(bySku('AC-SGP'));
        if (r.chance(0.3)) add(bySku('AC-SD64'));
        if (r.chance(0.14)) add(r.pick(genericCases));
        if (r.chance(0.12)) add(bySku('CH-C25'));
        if (r.chance(0.08)) add(r.pick(budgetEarbuds));
        break;
      case kinds.laptop:
        add(main);
        if (r.chance(0.5)) add(bySku('AC-BAG'));
        if (r.chance(0.45)) add(bySku('AC-MOU'));
        if (r.chance(0.1)) add(bySku('CH-GAN65'));
        if (r.chance(0.15)) add(bySku('AC-EXT'));
        break;
      case kinds.tv:
        add(main);
        if (r.chance(0.55)) add(bySku('AC-WMB'));
        if (r.chance(0.35)) add(bySku('AC-STB'));
        if (r.chance(0.3)) add(bySku('AC-HDMI'));
        if (r.chance(0.1)) add(bySku('AC-EXT'));
        break;
      case kinds.appliance:
        add(main);
        if (bigAppliances.has(main) && r.chance(0.5)) add(bySku('AC-STB'));
        if (r.chance(0.22)) add(r.pick(smallAppliances));
        break;
      case kinds.accessory: {
        add(main);
        const extra = r.chance(0.6) ? (r.chance(0.4) ? 2 : 1) : 0;
        for (let i = 0; i < extra; i++) add(r.pick([...chargers, bySku('AC-SGP'), bySku('AC-SD64'), bySku('AC-EXT'), bySku('AC-HDMI'), ...budgetEarbuds]));
        if (r.chance(0.15)) lines[0].quantity += 1;
        break;
      }
      case kinds.watch:
        add(main);
        if (r.chance(0.1)) add(bySku('CH-C25'));
        if (r.chance(0.1)) add(r.pick(budgetEarbuds));
        if (r.chance(0.25)) add(bySku('AC-SGP'));
        break;
      default: {
        const tierCode = con.account[ord.customer[k]] >= 0 ? acc.tier[con.account[ord.customer[k]]] : 2;
        add(main, Math.max(2, Math.round(r.logNormal([14, 6, 3][tierCode], 0.5))));
        if (r.chance(0.4)) {
          const cat = catalogue[main].category;
          add(cat === 'Laptops' ? r.pick([bySku('AC-BAG'), bySku('AC-MOU')]) : cat === 'TVs' ? bySku('AC-WMB') : bySku('CH-C25'), lines[0].quantity);
        }
        for (const l of lines) l.discountPct = r.range(4, 12);
      }
    }
    if (festival && kind !== kinds.bulk) for (const l of lines) l.discountPct = r.chance(0.6) ? r.pick([5, 5, 10]) : 0;
    return lines;
  };

  const order = (k: number): DemoInput<'order'> => {
    const r = rngFor(seed, codes.order, k);
    const c = ord.customer[k];
    const a = con.account[c];
    const ms = ord.ms[k];
    const kind = ord.kind[k];
    const isDefective = ord.main[k] === defectiveProduct && kind === kinds.budget;
    const age = referenceMs - ms;
    let status: 'placed' | 'fulfilled' | 'returned' | 'cancelled' = 'fulfilled';
    if (age < 3 * DAY_MS && r.chance(0.7)) status = 'placed';
    else if (r.chance(0.015)) status = 'cancelled';
    else if (r.chance(isDefective && ms >= dayMs(defectFromDay) ? 0.16 : 0.025)) status = 'returned';
    const social = (con.flags[c] & contactFlags.social) !== 0;
    const channel = kind === kinds.bulk ? 'b2b' : ['store', 'online', 'phone', 'social'][r.weightedIndex([64, 22, 8, social ? 14 : 1])];
    const lines = linesOf(k).map((l, i) => {
      const item = catalogue[l.product];
      return {
        id: `l${i + 1}`,
        position: positions[i],
        productId: productId(l.product),
        sku: item.sku,
        description: item.name,
        category: item.category,
        quantity: l.quantity,
        unitPrice: item.price * 100,
        unitCost: Math.round(item.price * item.costShare) * 100,
        discountPct: l.discountPct
      };
    });
    return {
      id: orderId(k),
      createdAt: iso(ms),
      owner: userId(con.owner[c]),
      number: `SO-${String(k + 1).padStart(6, '0')}`,
      orderedAt: iso(ms),
      accountId: accountId(a),
      contactId: contactId(c),
      externalCustomerId: '',
      status,
      currency,
      channel,
      region: regions[con.region[c]].name,
      source: channel === 'store' ? 'pos' : channel === 'online' ? 'web-shop' : 'fieldbook',
      quoteId: '',
      opportunityId: '',
      lines
    };
  };

  // -- tickets -----------------------------------------------------------------------------------------------------

  const slaHours = { low: 72, normal: 24, high: 8, urgent: 4 } as const;

  const ticket = (t: number): DemoInput<'ticket'> => {
    const r = rngFor(seed, codes.ticket, t);
    const orders = w.sizes.order;
    const isDefect = ord.defective.length > 0 && r.chance(0.12);
    let k = isDefect ? ord.defective[r.int(ord.defective.length)] : r.int(orders);
    if (!isDefect) for (let tries = 0; tries < 5 && ord.ms[k] > referenceMs - DAY_MS; tries++) k = r.int(orders);
    const lines = linesOf(k);
    const prod = isDefect ? defectiveProduct : lines[r.weightedIndex(lines.map((l) => Math.sqrt(catalogue[l.product].price)))].product;
    const item = catalogue[prod];
    const kind = isDefect
      ? (['complaint', 'return', 'request'] as const)[r.weightedIndex([65, 25, 10])]
      : (['request', 'complaint', 'return', 'question', 'incident'] as const)[r.weightedIndex([35, 17, 11, 30, 7])];
    const orderMs = ord.ms[k];
    let createdMs = orderMs + (isDefect ? 2 * DAY_MS + r.exponential(25 * DAY_MS) : r.exponential(15 * DAY_MS));
    if (createdMs > referenceMs) createdMs = orderMs + r.next() * (referenceMs - orderMs);
    const priority = kind === 'complaint' ? (['normal', 'high', 'urgent'] as const)[r.weightedIndex([45, 42, 13])] : (['low', 'normal', 'high'] as const)[r.weightedIndex([20, 70, 10])];
    const slaDue = createdMs + slaHours[priority] * 3_600_000;
    const age = referenceMs - createdMs;
    const status =
      age > 10 * DAY_MS
        ? (['closed', 'resolved', 'pending'] as const)[r.weightedIndex([60, 38, 2])]
        : age > 3 * DAY_MS
          ? (['resolved', 'pending', 'open'] as const)[r.weightedIndex([50, 25, 25])]
          : (['new', 'open', 'pending'] as const)[r.weightedIndex([40, 45, 15])];
    // The service desk is swamped in the festival season: resolution takes longer and SLAs are breached more often.
    const overload = isFestivalDay(dayOfMs(createdMs)) ? 1.9 : 1;
    let resolvedMs: number | null = null;
    if (status === 'resolved' || status === 'closed') {
      const median = { low: 40, normal: 18, high: 7, urgent: 3 }[priority];
      resolvedMs = clampNow(createdMs + r.logNormal(median * overload, 0.8) * 3_600_000);
    }
    const breached = (resolvedMs ?? referenceMs) > slaDue;
    const c = ord.customer[k];
    const social = (con.flags[c] & contactFlags.social) !== 0;
    const channel: Channel = social && r.chance(0.45) ? 'social' : (['phone', 'email', 'in-person', 'web', 'social'] as const)[r.weightedIndex([35, 25, 25, 10, 5])];
    const subject =
      kind === 'complaint'
        ? `${item.name}: ${r.pick(isDefect ? complaintSubjects.defect : complaintSubjects.generic)}`
        : kind === 'return'
          ? `Return: ${item.name}${isDefect ? ` (${r.pick(complaintSubjects.defect)})` : ''}`
          : kind === 'request'
            ? `${isDefect ? 'Battery check' : r.pick(requestSubjects)}: ${item.name}`
            : kind === 'question'
              ? `${item.name}: ${r.pick(questionSubjects)}`
              : r.pick(incidentSubjects);
    return {
      id: demoId(seed, codes.ticket, t, createdMs, bucketsOf('ticket')),
      createdAt: iso(createdMs),
      owner: userId(r.pick(serviceUsers)),
      subject,
      description: `Order SO-${String(k + 1).padStart(6, '0')}. Customer reported via ${channel}.`,
      kind,
      status,
      priority,
      channel,
      slaDue: iso(slaDue),
      escalationLevel: breached && (status !== 'closed' || r.chance(0.3)) ? (priority === 'urgent' ? 2 : 1) : 0,
      contactId: contactId(c),
      accountId: accountId(con.account[c]),
      productId: productId(prod),
      orderId: orderId(k),
      resolvedAt: resolvedMs !== null ? iso(resolvedMs) : null,
      resolution: resolvedMs !== null ? (isDefect ? r.pick(['Replaced under warranty', 'Refund issued', 'Exchanged for another model']) : r.pick(resolutions)) : ''
    };
  };

  // -- tasks -------------------------------------------------------------------------------------------------------

  const task = (t: number): DemoInput<'task'> => {
    const r = rngFor(seed, codes.task, t);
    const today = windowDays - 1;
    const dueDay = r.range(today - 60, today + 45);
    const kind = (['call', 'meeting', 'email', 'visit', 'todo', 'review'] as const)[r.weightedIndex([35, 15, 15, 15, 10, 10])];
    const dueMs = dayMs(dueDay) + timeOfDayMs(r);
    let title: string;
    let contactIdx = -1;
    let accountIdx = -1;
    let relatedTo = '';
    let owner: number;
    if (w.sizes.opportunity > 0 && kind !== 'review' && r.chance(0.6)) {
      const o = r.int(w.sizes.opportunity);
      const opp = opportunity(o);
      accountIdx = w.opportunity.account[o];
      const short = opp.name?.split(' – ')[1] ?? 'the deal';
      relatedTo = `opportunity:${opp.id}`;
      owner = acc.owner[accountIdx];
      const contacts = acc.contactStart[accountIdx + 1] - acc.contactStart[accountIdx];
      if (contacts > 0) contactIdx = acc.contacts[acc.contactStart[accountIdx] + r.int(contacts)];
      title = {
        call: `Call ${acc.names[accountIdx]} about ${short}`,
        meeting: `Meeting at ${acc.names[accountIdx]}: ${short}`,
        email: `Send revised quote to ${acc.names[accountIdx]}`,
        visit: `Site visit to ${acc.names[accountIdx]}`,
        todo: `Prepare delivery plan for ${acc.names[accountIdx]}`,
        review: `Review ${short}`
      }[kind];
    } else {
      contactIdx = con.engagement.draw(r);
      accountIdx = con.account[contactIdx];
      const { first, last } = contactName(contactIdx);
      owner = kind === 'review' ? r.pick(serviceUsers) : con.owner[contactIdx];
      title = {
        call: `Call ${first} ${last} back`,
        meeting: `Meet ${first} ${last} in store`,
        email: `E-mail warranty details to ${first} ${last}`,
        visit: `Installation visit for ${first} ${last}`,
        todo: `Check stock for ${first} ${last}`,
        review: `Review open tickets of ${first} ${last}`
      }[kind];
    }
    const status = dueDay < today ? (['done', 'open', 'cancelled'] as const)[r.weightedIndex([75, 20, 5])] : r.chance(0.05) ? 'done' : 'open';
    const createdMs = Math.min(dueMs - r.range(1, 21) * DAY_MS, referenceMs - r.range(0, 5) * 3_600_000);
    const completedMs = status === 'done' ? clampNow(Math.max(createdMs + 3_600_000, dueMs - r.int(48) * 3_600_000)) : null;
    const reminderMs = r.chance(0.5) ? dueMs - (kind === 'meeting' || kind === 'visit' ? DAY_MS : 3_600_000) : null;
    return {
      id: demoId(seed, codes.task, t, createdMs, bucketsOf('task')),
      createdAt: iso(createdMs),
      owner: userId(owner),
      title,
      kind,
      status,
      priority: (['low', 'normal', 'high'] as const)[r.weightedIndex([20, 60, 20])],
      due: iso(dueMs),
      durationMin: kind === 'meeting' ? r.pick([30, 60]) : kind === 'visit' ? r.pick([60, 90]) : kind === 'call' ? 15 : 0,
      reminderAt: reminderMs !== null ? iso(reminderMs) : null,
      remindedAt: reminderMs !== null && reminderMs < referenceMs && status !== 'open' ? iso(reminderMs) : null,
      completedAt: completedMs !== null ? iso(completedMs) : null,
      contactId: contactIdx >= 0 ? contactId(contactIdx) : '',
      accountId: accountIdx >= 0 ? accountId(accountIdx) : '',
      relatedTo,
      ruleId: '',
      ruleKey: '',
      notes: ''
    };
  };

  // -- interactions ------------------------------------------------------------------------------------------------

  const campaignEvent = (n: number, m: number, j: number): DemoInput<'interaction'> => {
    let offset = j;
    const groups = w.interaction.groups;
    let gi = 0;
    for (; gi < groups.length; gi++) {
      const g = groups[gi];
      if (g.month !== m) continue;
      if (offset < g.events) break;
      offset -= g.events;
    }
    const g = groups[gi];
    const plan = campaignPlans[g.campaign];
    const size = g.recipients.length;
    let outcome: 'sent' | 'opened' | 'clicked' | 'responded';
    let who: number;
    if (offset < size) [outcome, who] = ['sent', offset];
    else if (offset < size + g.opened) [outcome, who] = ['opened', offset - size];
    else if (offset < size + g.opened + g.clicked) [outcome, who] = ['clicked', offset - size - g.opened];
    else [outcome, who] = ['responded', offset - size - g.opened - g.clicked];
    const c = g.recipients[who];
    const r = rngFor(seed, codes.interaction, n);
    // The open delay is a function of (group, recipient) so a click or reply always follows that recipient's open.
    // Most opens come within hours, a tail over the next four days.
    const u = (mix(seed, gi, who, 11) % 10_000) / 10_000;
    const openDelay = 600_000 + Math.round(360_000_000 * u * u * u);
    const base = g.sendMs + who * 120;
    const at = outcome === 'sent' ? base : outcome === 'opened' ? base + openDelay : outcome === 'clicked' ? base + openDelay + 20_000 + r.int(600_000) : base + openDelay + 3_600_000 + r.int(86_400_000);
    const message = plan.messages[g.message];
    const reply = r.pick(['asked about EMI', 'asked for the price list', 'asked if the offer is valid in their city', 'wants a call back', 'asked about exchange offers']);
    return {
      id: demoId(seed, codes.interaction, n, at, 1),
      createdAt: iso(Math.min(at, referenceMs)),
      owner: userId(marketing),
      channel: plan.channel,
      direction: outcome === 'responded' ? 'inbound' : 'outbound',
      at: iso(Math.min(at, referenceMs)),
      contactId: contactId(c),
      accountId: accountId(con.account[c]),
      summary: outcome === 'responded' ? `Reply to ${plan.name}: ${reply}` : `${plan.name} – ${message.name} (${outcome})`,
      outcome,
      durationMin: 0,
      campaignId: campaignId(g.campaign),
      ticketId: '',
      opportunityId: '',
      notes: ''
    };
  };

  const interestOf = (r: Rng, c: number): string => {
    const f = con.flags[c];
    const cat = f & contactFlags.premium ? r.pick(['High-end phones', 'High-end phones', 'Earbuds', 'Smart watches', 'Laptops'] as const) : r.pick(['Budget phones', 'Laptops', 'TVs', 'Appliances', 'Earbuds', 'High-end phones'] as const);
    return catalogue[r.pick(productsIn(cat))].name;
  };

  const everydayInteraction = (n: number, m: number): DemoInput<'interaction'> => {
    const r = rngFor(seed, codes.interaction, n);
    const month = months[m];
    let day = month.firstDay + r.int(month.lastDay - month.firstDay + 1);
    for (let tries = 0; tries < 8 && r.next() * 3.2 > festivalWeight(day); tries++) day = month.firstDay + r.int(month.lastDay - month.firstDay + 1);
    let c = con.engagement.draw(r);
    for (let tries = 0; tries < 40 && !(con.acq[c] <= day && day <= con.churn[c] + 120); tries++) c = con.engagement.draw(r);
    for (let tries = 0; tries < 200 && con.acq[c] > day; tries++) c = con.engagement.draw(r);
    const f = con.flags[c];
    const isBusiness = (f & contactFlags.business) !== 0;
    const social = (f & contactFlags.social) !== 0;
    const purpose = (['sales', 'inquiry', 'support', 'order'] as const)[r.weightedIndex(isBusiness ? [50, 20, 15, 15] : [22, 36, 24, 18])];
    const channel: Channel = social
      ? (['social', 'email', 'phone', 'sms', 'in-person', 'web'] as const)[r.weightedIndex([36, 20, 25, 5, 9, 5])]
      : (['phone', 'email', 'sms', 'in-person', 'meeting', 'web', 'social'] as const)[r.weightedIndex([38, 22, purpose === 'order' ? 25 : 8, 15, isBusiness ? 12 : 1, 8, 2])];
    const inbound = purpose === 'inquiry' || (purpose === 'support' && r.chance(0.7)) || channel === 'web' || (channel === 'social' && r.chance(0.8));
    const isLive = channel === 'phone' || channel === 'meeting' || channel === 'in-person';
    const any = channel === 'social' || channel === 'web' || channel === 'email';
    const at = clampNow(dayMs(day) + (any ? timeOfDayMs(r, true) : timeOfDayMs(r)));
    let outcome: Interaction['outcome'] = '';
    if (channel === 'phone' && !inbound) outcome = (['completed', 'no-answer', 'left-message', 'follow-up'] as const)[r.weightedIndex([55, 25, 10, 10])];
    else if (purpose === 'sales') outcome = (['interested', 'not-interested', 'follow-up', 'completed'] as const)[r.weightedIndex([35, 20, 30, 15])];
    else if (purpose === 'support') outcome = (['resolved', 'follow-up'] as const)[r.weightedIndex([70, 30])];
    else outcome = r.chance(0.7) ? 'completed' : 'follow-up';
    const thing = interestOf(r, c);
    const topic = r.pick(purpose === 'sales' ? salesTopics : purpose === 'inquiry' ? inquiryTopics : purpose === 'support' ? supportTopics : orderTopics);
    const via = channel === 'social' ? r.pick(['Facebook message', 'Instagram DM', 'TikTok comment', 'Viber chat']) : channel === 'web' ? 'Web form' : '';
    const summary = `${via ? `${via}: ` : ''}${topic[0].toUpperCase()}${topic.slice(1)} ${thing}`;
    let opp = '';
    const a = con.account[c];
    if (isBusiness && purpose === 'sales' && a >= 0) {
      const count = acc.oppStart[a + 1] - acc.oppStart[a];
      if (count > 0 && r.chance(0.6)) opp = opportunityId(acc.opps[acc.oppStart[a] + r.int(count)]);
    }
    return {
      id: demoId(seed, codes.interaction, n, at, 1),
      createdAt: iso(at),
      owner: userId(purpose === 'support' ? r.pick(serviceUsers) : con.owner[c]),
      channel,
      direction: inbound ? 'inbound' : 'outbound',
      at: iso(at),
      contactId: contactId(c),
      accountId: accountId(a),
      summary,
      outcome,
      durationMin: isLive ? (channel === 'phone' ? r.range(2, 25) : channel === 'meeting' ? r.pick([30, 45, 60, 90]) : r.range(10, 40)) : 0,
      campaignId: '',
      ticketId: '',
      opportunityId: opp,
      notes: ''
    };
  };

  const interaction = (n: number): DemoInput<'interaction'> => {
    const starts = w.interaction.monthStart;
    let lo = 0;
    let hi = months.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= n) lo = mid;
      else hi = mid - 1;
    }
    const j = n - starts[lo];
    return j < w.interaction.monthCampaign[lo] ? campaignEvent(n, lo, j) : everydayInteraction(n, lo);
  };

  const makers: Partial<Record<CollectionName, (n: number) => DemoInput<CollectionName>>> = {
    user, stage, product, article, campaign, account, partner, contact, opportunity, order, ticket, task, interaction
  };
  return {
    w,
    make: (c, n) => {
      const make = makers[c];
      if (!make) throw new Error(`the demo makes no ${c} records`);
      return make(n);
    }
  };
}

const festivalWeight = (day: number): number => (isFestivalDay(day) ? 2.2 : 1);

function retailSource(r: Rng): string {
  return r.pick(['walk-in', 'walk-in', 'walk-in', 'website', 'referral', 'facebook', 'campaign']);
}
