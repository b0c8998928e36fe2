// The "Your data" downloads built from the read model: contacts as CSV or vCard, tasks and meetings as iCalendar.
import Dexie from 'dexie';
import type { Account } from '../model/account';
import type { Contact } from '../model/contact';
import type { Interaction } from '../model/interaction';
import type { Task } from '../model/task';
import type { FieldbookDb } from '../storage/db';
import { contactsToCsv, CSV_MIME } from './csv';
import { ICALENDAR_MIME, tasksToICalendar } from './icalendar';
import { contactsToVCard, VCARD_MIME } from './vcard';

export type ExportKind = 'contacts-csv' | 'contacts-vcard' | 'calendar';
export type ExportFile = { blob: Blob; fileName: string; count: number };

/** How far back logged meetings go into the calendar file: a calendar needs recent and coming ones, not years of history. */
export const MEETINGS_SINCE_DAYS = 365;

const day = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export const exportFileName = (workspace: string, what: string, ext: string, date = new Date()): string =>
  `fieldbook-${workspace.replace(/[^a-z0-9-]/gi, '') || 'workspace'}-${what}-${day(date)}.${ext}`;

/** Contacts not deleted, in name order (the [_del+_sort] index: no scan, no sort). */
async function liveContacts(db: FieldbookDb): Promise<Contact[]> {
  return (await db.rows('contact').where('[_del+_sort]').between([0, Dexie.minKey], [0, Dexie.maxKey]).toArray()) as unknown as Contact[];
}

async function accountNames(db: FieldbookDb): Promise<Map<string, { name: string }>> {
  const accounts = (await db.rows('account').toArray()) as unknown as Account[];
  return new Map(accounts.map((a) => [a.id, { name: a.name }]));
}

/** Builds one download; `workspace` names the file. */
export async function buildExport(db: FieldbookDb, kind: ExportKind, workspace: string, now = new Date()): Promise<ExportFile> {
  if (kind === 'contacts-csv') {
    const contacts = await liveContacts(db);
    const text = contactsToCsv(contacts, { bom: true, accountsById: await accountNames(db) });
    return { blob: new Blob([text], { type: CSV_MIME }), fileName: exportFileName(workspace, 'contacts', 'csv', now), count: contacts.length };
  }
  if (kind === 'contacts-vcard') {
    const contacts = await liveContacts(db);
    const text = contactsToVCard(contacts, await accountNames(db));
    return { blob: new Blob([text], { type: VCARD_MIME }), fileName: exportFileName(workspace, 'contacts', 'vcf', now), count: contacts.length };
  }
  const tasks = ((await db.rows('task').toArray()) as unknown as Task[]).filter((t) => !t.deletedAt);
  const since = new Date(now.getTime() - MEETINGS_SINCE_DAYS * 86_400_000).toISOString();
  const meetings = (await db
    .rows('interaction')
    .where('at')
    .aboveOrEqual(since)
    .filter((i) => (i.channel === 'meeting' || i.channel === 'in-person') && !i._del)
    .toArray()) as unknown as Interaction[];
  const text = tasksToICalendar(tasks, meetings, { name: `Fieldbook — ${workspace}` });
  return { blob: new Blob([text], { type: ICALENDAR_MIME }), fileName: exportFileName(workspace, 'tasks', 'ics', now), count: tasks.length + meetings.length };
}
