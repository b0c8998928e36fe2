// The "Your data" downloads: live records only, right file names and types, what a person would look for inside.
import { describe, expect, it } from 'vitest';
import { buildExport, exportFileName } from './exports';
import { demoLikeWorkspace } from './fixtures';
import { parseVCard } from './vcard';

describe('buildExport', () => {
  it('builds the contacts CSV, the vCard file and the calendar from the read model, leaving deleted records out', async () => {
    const { ws } = await demoLikeWorkspace();
    const now = new Date(2026, 9, 10, 12);
    const csv = await buildExport(ws.db, 'contacts-csv', 'shop', now);
    expect(csv.fileName).toBe('fieldbook-shop-contacts-2026-10-10.csv');
    expect(csv.blob.type).toBe('text/csv;charset=utf-8');
    expect(csv.count).toBe(41);
    const csvText = await csv.blob.text();
    expect(csvText).toContain('Sita,Rai,sita@example.com');
    expect(csvText).toContain('Himal Traders');
    expect(csvText).not.toContain('Hari');

    const vcf = await buildExport(ws.db, 'contacts-vcard', 'shop', now);
    expect(vcf.fileName).toBe('fieldbook-shop-contacts-2026-10-10.vcf');
    const cards = parseVCard(await vcf.blob.text());
    expect(cards).toHaveLength(41);
    expect(cards.find((c) => c.contact.lastName === 'Rai')?.contact.company).toBe('Himal Traders');

    const ics = await buildExport(ws.db, 'calendar', 'shop', now);
    expect(ics.fileName).toBe('fieldbook-shop-tasks-2026-10-10.ics');
    const text = await ics.blob.text();
    expect(text).toContain('SUMMARY:Send the quote');
    expect(text).toContain('SUMMARY:Demo at the shop');
    expect(text).not.toContain('Intro call');
    expect(ics.count).toBe(3);
  });

  it('keeps only safe characters of the workspace name in file names', () => {
    expect(exportFileName('../evil name', 'contacts', 'csv', new Date(2026, 0, 2))).toBe('fieldbook-evilname-contacts-2026-01-02.csv');
  });
});
