import { describe, expect, it } from 'vitest';
import { campaignStats, normalQuantile, wilsonInterval, type CampaignInteraction } from './campaign-stats';

describe('normalQuantile', () => {
  it('matches R qnorm', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 10);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(Number.isNaN(normalQuantile(2))).toBe(true);
  });
});

describe('wilsonInterval', () => {
  it('matches prop.test(x, n, correct = FALSE)', () => {
    // prop.test(5, 10, correct = FALSE)$conf.int: 0.2365931 0.7634069
    const half = wilsonInterval(5, 10);
    expect(half.value).toBe(0.5);
    expect(half.lower).toBeCloseTo(0.2365931, 7);
    expect(half.upper).toBeCloseTo(0.7634069, 7);
    // prop.test(0, 20, correct = FALSE)$conf.int: 0.0000000 0.1611252
    const none = wilsonInterval(0, 20);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(0.1611252, 7);
    // 90 %, worked by hand from the formula with z = 1.6448536: centre 31.35277/202.70554, half-width 8.41554/202.70554.
    const ninety = wilsonInterval(30, 200, 0.9);
    expect(ninety.lower).toBeCloseTo(0.1131554, 6);
    expect(ninety.upper).toBeCloseTo(0.1961876, 6);
    expect(wilsonInterval(0, 0)).toEqual({ successes: 0, trials: 0, value: null, lower: null, upper: null });
  });
});

const campaigns = [
  {
    id: 'k1',
    name: 'New Year',
    messages: [
      { id: 'm2', name: 'Reminder', sentAt: '2025-01-10T00:00:00.000Z' },
      { id: 'm1', name: 'Launch', sentAt: '2025-01-01T00:00:00.000Z' }
    ]
  },
  { id: 'k2', name: 'Quiet', messages: [{ id: 'only', name: 'SMS', sentAt: null }] },
  { id: 'k3', name: 'Gone', deletedAt: '2025-02-01T00:00:00.000Z' }
];
const i = (contactId: string, outcome: string, at: string, campaignId = 'k1'): CampaignInteraction => ({ campaignId, contactId, outcome, at });
const interactions: CampaignInteraction[] = [
  i('c1', 'sent', '2025-01-01T00:00:01Z'),
  i('c2', 'sent', '2025-01-01T00:00:02Z'),
  i('c3', 'sent', '2025-01-01T00:00:03Z'),
  i('c4', 'sent', '2025-01-01T00:00:04Z'),
  i('c1', 'sent', '2025-01-10T00:00:05Z'),
  i('c2', 'sent', '2025-01-10T00:00:06Z'),
  i('c1', 'opened', '2025-01-02T09:00:00Z'),
  i('c1', 'opened', '2025-01-03T09:00:00Z'),
  i('c1', 'clicked', '2025-01-02T09:01:00Z'),
  i('c2', 'opened', '2025-01-11T09:00:00Z'),
  i('c2', 'clicked', '2025-01-11T09:02:00Z'),
  i('c3', 'opened', '2025-01-12T09:00:00Z'),
  i('c3', 'responded', '2025-01-12T12:00:00Z'),
  i('c4', 'bounced', '2025-01-01T00:01:00Z'),
  { ...i('c4', 'opened', '2025-01-02T00:00:00Z'), deletedAt: '2025-01-05T00:00:00Z' },
  i('c4', 'completed', '2025-01-02T00:00:00Z'),
  i('c9', 'sent', '2025-01-02T00:00:00Z', 'k3'),
  i('c9', 'sent', '2025-01-02T00:00:00Z', 'k9'),
  { contactId: 'c1', outcome: 'sent', at: '2025-01-02T00:00:00Z' }
];

describe('campaignStats', () => {
  const stats = campaignStats(campaigns, interactions);
  const k1 = stats.find((s) => s.campaignId === 'k1')!;

  it('counts distinct contacts per stage and computes the four rates', () => {
    expect([k1.sent, k1.opened, k1.clicked, k1.responded, k1.bounced]).toEqual([4, 3, 2, 1, 1]);
    expect(k1.openRate.value).toBe(0.75);
    expect(k1.clickThroughRate.value).toBe(0.5);
    expect(k1.clickToOpenRate.value).toBeCloseTo(2 / 3, 15);
    expect(k1.responseRate.value).toBe(0.25);
    expect(k1.openRate).toMatchObject({ successes: 3, trials: 4 });
    expect(k1.openRate.lower!).toBeLessThan(0.75);
    expect(k1.openRate.upper!).toBeGreaterThan(0.75);
  });

  it('attributes each event to the message that reached the contact last before it', () => {
    expect(k1.messages.map((m) => [m.messageId, m.name, m.sent, m.opened, m.clicked, m.responded, m.bounced])).toEqual([
      ['m1', 'Launch', 4, 2, 1, 1, 1],
      ['m2', 'Reminder', 2, 1, 1, 0, 0]
    ]);
  });

  it('lists campaigns without activity, skips deleted ones, and reports unknown campaign ids', () => {
    expect(stats.map((s) => s.campaignId)).toEqual(['k1', 'k2', 'k9']);
    const quiet = stats[1];
    expect(quiet).toMatchObject({ name: 'Quiet', sent: 0 });
    expect(quiet.openRate.value).toBeNull();
    expect(quiet.messages).toHaveLength(1);
    expect(stats[2]).toMatchObject({ name: '', sent: 1 });
  });

  it('takes the message from the data when told how', () => {
    const tagged = campaignStats(campaigns, interactions, { messageOf: (x) => (x.contactId === 'c1' ? 'm2' : 'm1') });
    const m2 = tagged[0].messages.find((m) => m.messageId === 'm2')!;
    expect([m2.sent, m2.opened, m2.clicked]).toEqual([1, 1, 1]);
  });
});
