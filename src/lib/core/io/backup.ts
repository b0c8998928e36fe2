// Whole-workspace backup: one file holding every Yjs doc, the record history and the portable settings; verified in full before a restore writes anything.
/**
 * File format, version 1 (`.fieldbook`):
 *
 *   <header: one line of UTF-8 JSON>\n<payload: payloadBytes bytes>
 *
 * header  = { format: 'fieldbook-backup', version: 1, workspace, exportedAt (ISO 8601), counts, compression: 'gzip' | 'none',
 *             payloadBytes, sha256 (hex SHA-256 of the payload bytes as stored) }
 * payload = gzip (RFC 1952) — or nothing, where the platform has no CompressionStream — of JSON lines (one JSON object and
 *           '\n' each; JSON escapes raw newlines, so '\n' only ever ends a line):
 *   {"t":"manifest", format, version, workspace, exportedAt, counts}   first line: the checksummed copy of the header
 *   {"t":"doc","id":"contact/b7","state":"<base64 of Y.encodeStateAsUpdate>"}   one per Yjs doc
 *   {"t":"history","rows":[{collection,recordId,path,value,at,by}, …]}           oldest first, ≤ 2,000 rows a line
 *   {"t":"setting","key":"…","value":…}                                         portable meta rows (isPortableSetting)
 *   {"t":"end","lines":N}                                                        last line; N counts every line before it
 *
 * The header is plain text so a person (or `head -1`) can see what a file is; the checksum covers the payload, and the
 * manifest repeats the header inside it, so a change to either is caught. Conflict rows, counters and the read model
 * are derived from the docs and are rebuilt by the restore itself.
 *
 * Restoring goes through `Workspace.applyRemote`, the one validated entry for outside data. Into an empty workspace it
 * is a restore (history and settings as saved); into one that has data it is a merge: Yjs merges the docs field by
 * field (nothing is lost, concurrent edits surface as conflicts), history rows already present are not added twice,
 * and settings the workspace already has are kept. Importing the same file twice changes nothing the second time.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { collections, isCollectionName, type CollectionName } from '../model/registry';
import type { Collection } from '../model/base';
import type { Counter, HistoryRow, MetaRow } from '../storage/db';
import { bucketDocIds, collectionOfDoc, docIdFor } from '../sync/doc-layout';
import { CorruptRecordError, projectMap, recordsOf, toRow } from '../sync/record-map';
import { ReadOnlyError, type Workspace } from '../sync/workspace';
import { bytesOf, canGzip, concatBytes, fromBase64, gunzip, gzip, sha256Hex, toBase64 } from './bytes';

export const BACKUP_FORMAT = 'fieldbook-backup' as const;
export const BACKUP_VERSION = 1;
export const BACKUP_EXTENSION = '.fieldbook';
export const BACKUP_MIME = 'application/x-fieldbook-backup';

/** The header line must end within this many bytes; anything longer is not one of ours. */
const MAX_HEADER_BYTES = 64 * 1024;
const HISTORY_ROWS_PER_LINE = 2000;

export type BackupCounts = {
  docs: number;
  history: number;
  settings: number;
  /** Records per type as the workspace's counters had them (live and soft-deleted). */
  records: Partial<Record<CollectionName, Counter>>;
};

export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  version: number;
  workspace: string;
  exportedAt: string;
  counts: BackupCounts;
  compression: 'gzip' | 'none';
  payloadBytes: number;
  sha256: string;
};

export type BackupProgress = { phase: 'reading' | 'packing' | 'checking' | 'restoring'; done: number; total: number };
export type ProgressHandler = (p: BackupProgress) => void;

/** Why a file was refused; `message` is written for the person who chose the file. Nothing was changed. */
export type BackupProblem = 'foreign' | 'damaged' | 'unsupported' | 'invalid';

export class BackupError extends Error {
  constructor(
    readonly problem: BackupProblem,
    message: string
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

const NOTHING_CHANGED = 'Nothing was imported and your data is unchanged.';

/**
 * Meta rows that belong to the workspace rather than the device. Counters are derived (the restore recounts), and
 * device-local state must not travel: name such keys `device:…` or `local:…` (sync peers/keys, `sync:…`, and demo
 * loading state, `demo…`, are excluded too).
 */
export function isPortableSetting(key: string): boolean {
  return !/^(count:|device:|local:|sync:|peer:|demo)/.test(key);
}

/** `fieldbook-<workspace>-<yyyy-mm-dd>.fieldbook`, in the device's local date. */
export function backupFileName(workspace: string, date = new Date()): string {
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `fieldbook-${workspace.replace(/[^a-z0-9-]/gi, '') || 'workspace'}-${day}${BACKUP_EXTENSION}`;
}

const workspaceNameOf = (ws: Workspace): string => ws.db.name.replace(/^fieldbook-/, '');

const encoder = new TextEncoder();
const line = (value: unknown): Uint8Array => encoder.encode(`${JSON.stringify(value)}\n`);

/**
 * Writes the whole workspace into one backup file. Docs are read through the workspace (`ws.doc`), so the file holds
 * exactly the merged state this device has; the read model is not needed and is rebuilt on restore.
 */
export async function exportWorkspace(
  ws: Workspace,
  options: { workspace?: string; now?: Date; onProgress?: ProgressHandler; compress?: boolean } = {}
): Promise<Blob> {
  const { db } = ws;
  const docs = (await db.docs.toArray()).map((d) => d.docId).sort();
  const settings = (await db.meta.toArray()).filter((m) => isPortableSetting(m.key));
  const records: BackupCounts['records'] = {};
  for (const name of Object.keys(collections) as CollectionName[]) {
    const c = await db.counter(name);
    if (c.live + c.deleted > 0) records[name] = c;
  }
  const historyCount = await db.history.count();
  const counts: BackupCounts = { docs: docs.length, history: historyCount, settings: settings.length, records };
  const manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    workspace: options.workspace ?? workspaceNameOf(ws),
    exportedAt: (options.now ?? new Date()).toISOString(),
    counts
  };

  const parts: Uint8Array[] = [line({ t: 'manifest', ...manifest })];
  const total = docs.length + Math.ceil(historyCount / HISTORY_ROWS_PER_LINE) + 1;
  let done = 0;
  const report = (phase: BackupProgress['phase']) => options.onProgress?.({ phase, done, total });
  report('reading');
  for (const docId of docs) {
    parts.push(line({ t: 'doc', id: docId, state: toBase64(Y.encodeStateAsUpdate(await ws.doc(docId))) }));
    done++;
    report('reading');
  }
  // Paged by primary key: the history table grows with every edit and must never be read into memory at once.
  let lastSeq = 0;
  let written = 0;
  for (;;) {
    const page = await db.history.where(':id').above(lastSeq).limit(HISTORY_ROWS_PER_LINE).toArray();
    if (page.length === 0) break;
    lastSeq = page[page.length - 1].seq ?? lastSeq;
    written += page.length;
    parts.push(line({ t: 'history', rows: page.map(({ collection, recordId, path, value, at, by }) => ({ collection, recordId, path, value, at, by })) }));
    done++;
    report('reading');
  }
  if (written !== historyCount) {
    // Edits landed while reading: the manifest must describe what the file really holds.
    counts.history = written;
    parts[0] = line({ t: 'manifest', ...manifest });
  }
  for (const s of settings) parts.push(line({ t: 'setting', key: s.key, value: s.value }));
  parts.push(line({ t: 'end', lines: parts.length }));

  report('packing');
  const raw = concatBytes(parts);
  const isGzip = (options.compress ?? true) && canGzip();
  const payload = isGzip ? await gzip(raw) : raw;
  const header: BackupHeader = {
    ...manifest,
    compression: isGzip ? 'gzip' : 'none',
    payloadBytes: payload.byteLength,
    sha256: await sha256Hex(payload)
  };
  done = total;
  report('packing');
  return new Blob([line(header) as Uint8Array<ArrayBuffer>, payload as Uint8Array<ArrayBuffer>], { type: BACKUP_MIME });
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading a backup: everything below only reads; nothing touches the workspace until verifyBackup has accepted the file.

const counterSchema = z.object({ live: z.int().min(0), deleted: z.int().min(0) });
const countsSchema = z.object({
  docs: z.int().min(0),
  history: z.int().min(0),
  settings: z.int().min(0),
  records: z.record(z.string(), counterSchema)
});
const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.int().min(1),
  workspace: z.string().max(200),
  exportedAt: z.iso.datetime({ offset: true }),
  counts: countsSchema,
  compression: z.enum(['gzip', 'none']),
  payloadBytes: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/)
});
const historyRowSchema = z.object({
  collection: z.string().refine(isCollectionName, 'unknown record type'),
  recordId: z.string().min(1).max(64),
  path: z.string().min(1).max(200),
  value: z.unknown(),
  at: z.string().max(64),
  by: z.string().max(200)
});
const lineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('manifest'), format: z.string(), version: z.int(), workspace: z.string(), exportedAt: z.string(), counts: countsSchema }),
  z.object({ t: z.literal('doc'), id: z.string().min(3).max(120), state: z.string() }),
  z.object({ t: z.literal('history'), rows: z.array(historyRowSchema) }),
  z.object({ t: z.literal('setting'), key: z.string().min(1).max(200), value: z.unknown() }),
  z.object({ t: z.literal('end'), lines: z.int().min(0) })
]);

/** What a verified file holds, ready to restore; also what the confirmation screen shows. */
export type VerifiedBackup = {
  header: BackupHeader;
  docs: { docId: string; state: Uint8Array }[];
  history: Omit<HistoryRow, 'seq'>[];
  settings: MetaRow[];
  /** Records found in the docs themselves (live and deleted), per type. */
  records: Partial<Record<CollectionName, Counter>>;
};

/** A short description of a file that is not ours, from its first bytes: helps a person see what they picked. */
function describeForeign(bytes: Uint8Array): string {
  const b = bytes;
  if (b.length === 0) return 'This file is empty, so it is not a Fieldbook backup.';
  if (b[0] === 0x50 && b[1] === 0x4b) return 'This is a ZIP archive, not a Fieldbook backup (a backup file ends in .fieldbook).';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'This is a gzip archive, not a Fieldbook backup (a backup file ends in .fieldbook).';
  if (b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return 'This is a PDF document, not a Fieldbook backup.';
  const head = new TextDecoder().decode(b.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('BEGIN:VCARD')) return 'This is a vCard (contacts) file, not a Fieldbook backup.';
  if (head.startsWith('BEGIN:VCALENDAR')) return 'This is a calendar (iCalendar) file, not a Fieldbook backup.';
  if (head.startsWith('{') || head.startsWith('[')) return 'This is a JSON file from another app, not a Fieldbook backup.';
  if (/^[^\n]*[,;\t][^\n]*\n/.test(head)) return 'This looks like a spreadsheet (CSV) file, not a Fieldbook backup.';
  return 'This file is not a Fieldbook backup (a backup file ends in .fieldbook).';
}

/**
 * Reads and checks only the header line: cheap, so a picker can tell at once whether a file is a Fieldbook backup.
 * Throws BackupError for a foreign, damaged or too-new file.
 */
export function readBackupHeader(bytes: Uint8Array): BackupHeader {
  const end = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
  const startsLikeOurs = new TextDecoder().decode(bytes.subarray(0, 40)).startsWith(`{"format":"${BACKUP_FORMAT}"`);
  if (end < 0) {
    if (startsLikeOurs) throw new BackupError('damaged', `This backup is incomplete: it ends inside its header. ${NOTHING_CHANGED}`);
    throw new BackupError('foreign', describeForeign(bytes));
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end)));
  } catch {
    if (startsLikeOurs) throw new BackupError('damaged', `This backup is damaged: its header cannot be read. ${NOTHING_CHANGED}`);
    throw new BackupError('foreign', describeForeign(bytes));
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== BACKUP_FORMAT) {
    if (startsLikeOurs) throw new BackupError('damaged', `This backup is damaged: its header cannot be read. ${NOTHING_CHANGED}`);
    throw new BackupError('foreign', describeForeign(bytes));
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > BACKUP_VERSION) {
    throw new BackupError(
      'unsupported',
      `This backup was made by a newer version of Fieldbook (backup format ${version}; this one reads format ${BACKUP_VERSION}). Update Fieldbook on this device, then import it again. ${NOTHING_CHANGED}`
    );
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new BackupError('damaged', `This backup is damaged: its header is not valid (${parsed.error.issues[0].path.join('.')}). ${NOTHING_CHANGED}`);
  return parsed.data as BackupHeader;
}

const kib = (n: number): string => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Splits JSON-lines bytes at '\n' and parses each line on its own, so no single string holds the whole payload. */
function* jsonLines(bytes: Uint8Array): Generator<unknown> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    yield JSON.parse(decoder.decode(bytes.subarray(start, end)));
    start = end + 1;
  }
}

/**
 * Checks that a doc's state is what a Fieldbook doc may hold, the way applyRemote will: a valid Yjs update, only the
 * `records` map, every record a map of well-formed registers that passes its schema, bucketed records in their bucket.
 */
function checkDoc(docId: string, state: Uint8Array, found: Partial<Record<CollectionName, Counter>>): void {
  const name = collectionOfDoc(docId);
  if (!isCollectionName(name)) throw new BackupError('invalid', `This backup holds a document of an unknown type ("${docId.slice(0, 60)}"). ${NOTHING_CHANGED}`);
  const c = collections[name] as Collection;
  const isBucket = c.shard.kind === 'bucket';
  if (isBucket ? !bucketDocIds(c).includes(docId) : !/^[a-z]+\/\d{4}-\d{2}$/.test(docId)) {
    throw new BackupError('invalid', `This backup holds a document with an unexpected name ("${docId.slice(0, 60)}"). ${NOTHING_CHANGED}`);
  }
  const doc = new Y.Doc();
  const bad = (why: string) => new BackupError('invalid', `This backup holds data Fieldbook cannot accept (${docId}: ${why}). ${NOTHING_CHANGED}`);
  try {
    try {
      Y.applyUpdate(doc, state);
    } catch (e) {
      throw bad(`not a valid Yjs update — ${(e as Error).message}`);
    }
    const records = recordsOf(doc);
    for (const key of doc.share.keys()) if (key !== 'records') throw bad(`unexpected shared type "${key}"`);
    const counter = found[name] ?? { live: 0, deleted: 0 };
    for (const [id, map] of records.entries()) {
      if (!(map instanceof Y.Map)) throw bad(`record ${id} is not a map`);
      if (isBucket && docIdFor(c, { id }) !== docId) throw bad(`record ${id} is in the wrong bucket`);
      let row: ReturnType<typeof toRow>;
      try {
        row = toRow(c, docId, id, projectMap(c, map, true));
      } catch (e) {
        throw bad(e instanceof CorruptRecordError ? `record ${id}: ${e.reason}` : String(e));
      }
      if (!row.ok) throw bad(`record ${id}: ${row.error}`);
      counter[row.row._del ? 'deleted' : 'live']++;
    }
    found[name] = counter;
  } finally {
    doc.destroy();
  }
}

/**
 * Reads a whole backup and checks everything — header, format, version, length, checksum, every line, every doc —
 * without touching any workspace. Throws BackupError with a message for the person who picked the file.
 */
export async function verifyBackup(file: Blob | Uint8Array | ArrayBuffer, options: { onProgress?: ProgressHandler } = {}): Promise<VerifiedBackup> {
  const bytes = await bytesOf(file);
  const header = readBackupHeader(bytes);
  const payloadAt = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a) + 1;
  const payload = bytes.subarray(payloadAt);
  if (payload.byteLength < header.payloadBytes) {
    throw new BackupError(
      'damaged',
      `This backup is incomplete: it ends after ${kib(payload.byteLength)} of ${kib(header.payloadBytes)} (the download or copy was probably cut short). ${NOTHING_CHANGED}`
    );
  }
  if (payload.byteLength > header.payloadBytes) throw new BackupError('damaged', `This backup is damaged: it has extra bytes after its end. ${NOTHING_CHANGED}`);
  if ((await sha256Hex(payload)) !== header.sha256) {
    throw new BackupError('damaged', `This backup is damaged: its checksum does not match, so some of its bytes changed after it was saved. ${NOTHING_CHANGED}`);
  }
  let raw: Uint8Array;
  if (header.compression === 'gzip') {
    if (!canGzip()) throw new BackupError('unsupported', `This browser cannot unpack compressed backups. Use a current Chrome, Edge, Firefox or Safari. ${NOTHING_CHANGED}`);
    try {
      raw = await gunzip(payload);
    } catch {
      throw new BackupError('damaged', `This backup is damaged: its contents cannot be unpacked. ${NOTHING_CHANGED}`);
    }
  } else {
    raw = payload;
  }

  const out: VerifiedBackup = { header, docs: [], history: [], settings: [], records: {} };
  const damaged = (why: string) => new BackupError('damaged', `This backup is damaged: ${why}. ${NOTHING_CHANGED}`);
  const seen = new Set<string>();
  let count = 0;
  let isEnded = false;
  const lines = jsonLines(raw);
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = lines.next();
    } catch {
      throw damaged(`line ${count + 1} cannot be read`);
    }
    if (next.done) break;
    if (isEnded) throw damaged('it has data after its end marker');
    const parsed = lineSchema.safeParse(next.value);
    if (!parsed.success) throw damaged(`line ${count + 1} is not valid`);
    const entry = parsed.data;
    if (count === 0 && entry.t !== 'manifest') throw damaged('it does not start with its manifest');
    switch (entry.t) {
      case 'manifest': {
        const same =
          count === 0 &&
          entry.format === header.format &&
          entry.version === header.version &&
          entry.workspace === header.workspace &&
          entry.exportedAt === header.exportedAt &&
          JSON.stringify(entry.counts) === JSON.stringify(header.counts);
        if (!same) throw damaged('its header does not match its contents');
        break;
      }
      case 'doc': {
        if (seen.has(entry.id)) throw damaged(`it holds document ${entry.id} twice`);
        seen.add(entry.id);
        let state: Uint8Array;
        try {
          state = fromBase64(entry.state);
        } catch {
          throw damaged(`document ${entry.id} cannot be decoded`);
        }
        out.docs.push({ docId: entry.id, state });
        break;
      }
      case 'history':
        for (const r of entry.rows) out.history.push({ collection: r.collection, recordId: r.recordId, path: r.path, value: r.value, at: r.at, by: r.by });
        break;
      case 'setting':
        if (isPortableSetting(entry.key)) out.settings.push({ key: entry.key, value: entry.value });
        break;
      case 'end':
        if (entry.lines !== count) throw damaged('its line count does not match');
        isEnded = true;
        break;
    }
    count++;
  }
  if (!isEnded) throw damaged('it has no end marker');
  if (out.docs.length !== header.counts.docs || out.history.length !== header.counts.history) throw damaged('it holds fewer items than its header lists');

  const total = out.docs.length;
  options.onProgress?.({ phase: 'checking', done: 0, total });
  out.docs.forEach((d, i) => {
    checkDoc(d.docId, d.state, out.records);
    options.onProgress?.({ phase: 'checking', done: i + 1, total });
  });
  return out;
}

export type ImportResult = {
  /** 'restored' into an empty workspace; 'merged' into one that already had data. */
  mode: 'restored' | 'merged';
  docs: number;
  /** Records added or changed by the import (0 when the file held nothing new). */
  records: number;
  history: number;
  settings: number;
};

const historyKey = (r: Omit<HistoryRow, 'seq'>): string => JSON.stringify([r.collection, r.recordId, r.path, r.at, r.by]);

/**
 * Writes a verified backup into a workspace through applyRemote (each doc validated again and stored in one
 * transaction with its read-model rows and conflicts). A storage failure part-way leaves every doc either fully in or
 * not at all, and importing the same file again completes it: Yjs updates are idempotent.
 */
export async function restoreBackup(ws: Workspace, backup: VerifiedBackup, options: { onProgress?: ProgressHandler } = {}): Promise<ImportResult> {
  if (!ws.isWriter) throw new ReadOnlyError();
  const { db } = ws;
  const isEmpty = (await db.docs.count()) === 0 && (await db.history.count()) === 0;
  const historyPages = Math.ceil(backup.history.length / HISTORY_ROWS_PER_LINE);
  const total = backup.docs.length + historyPages + 1;
  let done = 0;
  const report = () => options.onProgress?.({ phase: 'restoring', done, total });
  report();

  let records = 0;
  for (const { docId, state } of backup.docs) {
    // Only what this device lacks: keeps the update log small, and a repeated import stores nothing.
    const sv = (await db.docs.get(docId))?.sv;
    const update = sv ? Y.diffUpdate(state, sv) : state;
    records += (await ws.applyRemote(docId, update)).changed;
    done++;
    report();
  }

  let history = 0;
  for (let i = 0; i < backup.history.length; i += HISTORY_ROWS_PER_LINE) {
    let page = backup.history.slice(i, i + HISTORY_ROWS_PER_LINE);
    if (!isEmpty) {
      const pairs = [...new Set(page.map((r) => `${r.collection}\u0000${r.recordId}`))].map((p) => p.split('\u0000'));
      const existing = new Set((await db.history.where('[collection+recordId]').anyOf(pairs).toArray()).map(historyKey));
      page = page.filter((r) => !existing.has(historyKey(r)));
    }
    if (page.length > 0) await db.history.bulkAdd(page.map((r) => ({ ...r })));
    history += page.length;
    done++;
    report();
  }

  let settings = 0;
  await db.transaction('rw', db.meta, async () => {
    for (const s of backup.settings) {
      if (!isEmpty && (await db.meta.get(s.key)) !== undefined) continue;
      await db.meta.put(s);
      settings++;
    }
  });
  done++;
  report();
  // Applying a backup made on this very device replays its own Yjs client id, which makes Yjs pick a random one for
  // the loaded doc; reloading every doc from storage puts the device id back.
  ws.close();
  return { mode: isEmpty ? 'restored' : 'merged', docs: backup.docs.length, records, history, settings };
}

/** Verifies the whole file first, then restores it: a damaged or foreign file throws BackupError and changes nothing. */
export async function importWorkspace(
  ws: Workspace,
  file: Blob | Uint8Array | ArrayBuffer,
  options: { onProgress?: ProgressHandler } = {}
): Promise<ImportResult> {
  if (!ws.isWriter) throw new ReadOnlyError();
  const backup = await verifyBackup(file, options);
  return restoreBackup(ws, backup, options);
}
