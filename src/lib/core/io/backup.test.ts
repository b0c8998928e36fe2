// Backup round trip and refusal: a restored workspace equals the original; damaged or foreign files change nothing.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContact, updateContact } from '../commands';
import { readModel } from '../sync/rebuild';
import { recordsOf } from '../sync/record-map';
import { memoryWorkspace } from '../testing';
import type { Workspace } from '../sync/workspace';
import { BackupError, backupFileName, exportWorkspace, importWorkspace, readBackupHeader, verifyBackup, BACKUP_FORMAT, type BackupProgress } from './backup';
import { bytesOf, concatBytes, gzip, sha256Hex } from './bytes';
import { demoLikeWorkspace } from './fixtures';

/** Everything a person could notice about a workspace: records, open conflicts, history, settings, counters. */
async function snapshot(ws: Workspace) {
  const conflicts = (await ws.db.conflicts.toArray()).sort((a, b) => a.key.localeCompare(b.key));
  const history = (await ws.db.history.toArray()).map(({ seq: _seq, ...row }) => row);
  const meta = (await ws.db.meta.toArray()).sort((a, b) => a.key.localeCompare(b.key));
  return { rows: await readModel(ws), conflicts, history, meta };
}

const withoutDeviceMeta = (s: Awaited<ReturnType<typeof snapshot>>) => ({ ...s, meta: s.meta.filter((m) => !m.key.startsWith('device:')) });

async function fileBytes(ws: Workspace, options: Parameters<typeof exportWorkspace>[1] = {}) {
  return bytesOf(await exportWorkspace(ws, { workspace: 'shop', now: new Date('2026-11-23T10:00:00.000Z'), ...options }));
}

const headerEnd = (bytes: Uint8Array) => bytes.indexOf(0x0a) + 1;

/** A well-formed file (correct header, length and checksum) around any payload lines: to test what lies inside. */
async function forge(lines: unknown[], headerPatch: Record<string, unknown> = {}): Promise<Uint8Array> {
  const payload = await gzip(new TextEncoder().encode(lines.map((l) => `${JSON.stringify(l)}\n`).join('')));
  const counts = { docs: 0, history: 0, settings: 0, records: {} };
  const header = {
    format: BACKUP_FORMAT,
    version: 1,
    workspace: 'x',
    exportedAt: '2026-11-23T10:00:00.000Z',
    counts,
    compression: 'gzip',
    payloadBytes: payload.byteLength,
    sha256: await sha256Hex(payload),
    ...headerPatch
  };
  return concatBytes([new TextEncoder().encode(`${JSON.stringify(header)}\n`), payload]);
}

describe('whole-workspace backup', () => {
  it('restores into an empty workspace exactly: records, conflicts, history, settings and counters', async () => {
    const { ws, ids } = await demoLikeWorkspace();
    const before = await snapshot(ws);
    expect(before.conflicts.map((c) => c.path)).toContain('title');
    expect(before.history.length).toBeGreaterThan(0);
    expect(before.rows.get('contact')!.find((r) => r.id === ids.hari)?._del).toBe(1);

    const phases: BackupProgress[] = [];
    const file = await exportWorkspace(ws, { workspace: 'shop', onProgress: (p) => phases.push(p) });
    expect(phases.at(-1)).toMatchObject({ phase: 'packing' });
    expect(phases.at(-1)!.done).toBe(phases.at(-1)!.total);

    const fresh = memoryWorkspace({ device: 33 });
    const progress: BackupProgress[] = [];
    const result = await importWorkspace(fresh, file, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ mode: 'restored', docs: (await ws.db.docs.count()), history: before.history.length, settings: 1 });
    expect(progress.some((p) => p.phase === 'checking')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'restoring' });
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    const after = await snapshot(fresh);
    expect(after.rows).toEqual(before.rows);
    expect(after.conflicts).toEqual(before.conflicts);
    expect(after.history).toEqual(before.history);
    expect(after).toEqual(withoutDeviceMeta(before));
    expect(await fresh.db.getMeta('device:lastScreen')).toBeUndefined();
    for (const name of ['contact', 'account', 'quote', 'interaction', 'task', 'user'] as const) {
      expect(await fresh.db.counter(name)).toEqual(await ws.db.counter(name));
    }
  });

  it('a restored workspace keeps working: edits go on, and the restoring device writes with its own Yjs client id', async () => {
    const { ws, ids } = await demoLikeWorkspace();
    const fresh = memoryWorkspace({ device: 44 });
    await importWorkspace(fresh, await exportWorkspace(ws));
    await updateContact(fresh, ids.sita, { title: 'Owner' });
    expect((await fresh.db.rows('contact').get(ids.sita))?.title).toBe('Owner');
    const docId = (await fresh.db.rows('contact').get(ids.sita))!._doc as string;
    const doc = await fresh.doc(docId);
    expect(doc.clientID).toBe(44);
    expect([...recordsOf(doc).get(ids.sita)!.keys()]).toContain('title|44');
  });

  it('restores a backup into the very device that made it (same Yjs client id) without losing that id', async () => {
    const ws = memoryWorkspace({ device: 55 });
    const c = await createContact(ws, { firstName: 'Asha' });
    const file = await exportWorkspace(ws);
    const again = memoryWorkspace({ device: 55 });
    await importWorkspace(again, file);
    await updateContact(again, c.id, { lastName: 'Gurung' });
    const doc = await again.doc((await again.db.rows('contact').get(c.id))!._doc as string);
    expect(doc.clientID).toBe(55);
    expect((await again.db.rows('contact').get(c.id))?.lastName).toBe('Gurung');
  });

  it('merges into a workspace that has data, and importing the same file twice changes nothing more', async () => {
    const { ws } = await demoLikeWorkspace();
    const file = await exportWorkspace(ws);
    const other = memoryWorkspace({ device: 66 });
    const own = await createContact(other, { firstName: 'Kamal', email: 'kamal@example.com' });
    await other.db.setMeta('settings:currency', 'USD');
    const first = await importWorkspace(other, file);
    expect(first.mode).toBe('merged');
    expect(await other.db.rows('contact').get(own.id)).toMatchObject({ firstName: 'Kamal' });
    expect(await other.db.counter('contact')).toEqual({ live: (await ws.db.counter('contact')).live + 1, deleted: 1 });
    expect(await other.db.getMeta('settings:currency')).toBe('USD');
    const once = await snapshot(other);
    const updates = await other.db.updates.count();
    const second = await importWorkspace(other, file);
    expect(second).toMatchObject({ mode: 'merged', records: 0, history: 0, settings: 0 });
    expect(await snapshot(other)).toEqual(once);
    expect(await other.db.updates.count()).toBe(updates);
  });

  it('works without compression (platforms with no CompressionStream)', async () => {
    const { ws } = await demoLikeWorkspace();
    const bytes = await fileBytes(ws, { compress: false });
    expect(readBackupHeader(bytes).compression).toBe('none');
    const fresh = memoryWorkspace();
    await importWorkspace(fresh, bytes);
    expect(await readModel(fresh)).toEqual(await readModel(ws));
  });

  it('starts with a readable header that says what the file holds', async () => {
    const { ws } = await demoLikeWorkspace();
    const bytes = await fileBytes(ws);
    const header = readBackupHeader(bytes);
    expect(header).toMatchObject({ format: 'fieldbook-backup', version: 1, workspace: 'shop', exportedAt: '2026-11-23T10:00:00.000Z', compression: 'gzip' });
    expect(header.counts.records.contact).toEqual(await ws.db.counter('contact'));
    expect(header.payloadBytes).toBe(bytes.byteLength - headerEnd(bytes));
    const verified = await verifyBackup(bytes);
    expect(verified.records.contact).toEqual(await ws.db.counter('contact'));
    expect(verified.records.quote).toEqual({ live: 1, deleted: 0 });
    expect(backupFileName('shop', new Date(2026, 10, 3))).toBe('fieldbook-shop-2026-11-03.fieldbook');
  });
});

describe('refusing damaged and foreign files', () => {
  /** A workspace with data, and a check that a refused import left every bit of it as it was. */
  async function target() {
    const ws = memoryWorkspace();
    await createContact(ws, { firstName: 'Keep', lastName: 'Me' });
    await ws.db.setMeta('settings:currency', 'NPR');
    const before = await snapshot(ws);
    const updates = await ws.db.updates.count();
    return {
      ws,
      async expectRefused(file: Uint8Array | Blob, problem: BackupError['problem'], message: RegExp) {
        const err = await importWorkspace(ws, file).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BackupError);
        expect((err as BackupError).problem).toBe(problem);
        expect((err as BackupError).message).toMatch(message);
        expect(await snapshot(ws)).toEqual(before);
        expect(await ws.db.updates.count()).toBe(updates);
      }
    };
  }

  it('a truncated file', async () => {
    const { ws } = await demoLikeWorkspace();
    const bytes = await fileBytes(ws);
    const t = await target();
    await t.expectRefused(bytes.slice(0, bytes.length - 100), 'damaged', /incomplete.*cut short.*Nothing was imported/);
    await t.expectRefused(bytes.slice(0, Math.floor(headerEnd(bytes) / 2)), 'damaged', /incomplete/);
    await t.expectRefused(concatBytes([bytes, new Uint8Array([1])]), 'damaged', /extra bytes/);
  });

  it('a flipped bit anywhere: payload, checksum or header', async () => {
    const { ws } = await demoLikeWorkspace();
    const bytes = await fileBytes(ws);
    const t = await target();
    for (const at of [headerEnd(bytes) + 20, Math.floor((headerEnd(bytes) + bytes.length) / 2), bytes.length - 3]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x04;
      await t.expectRefused(flipped, 'damaged', /checksum does not match/);
    }
    // The workspace name sits in the header, outside the checksum: the manifest inside the payload catches it.
    const text = new TextDecoder().decode(bytes.subarray(0, headerEnd(bytes)));
    const renamed = concatBytes([new TextEncoder().encode(text.replace('"workspace":"shop"', '"workspace":"shoq"')), bytes.subarray(headerEnd(bytes))]);
    await t.expectRefused(renamed, 'damaged', /header does not match its contents/);
    const badSum = concatBytes([new TextEncoder().encode(text.replace(/"sha256":"(.)/, (_, c: string) => `"sha256":"${c === 'a' ? 'b' : 'a'}`)), bytes.subarray(headerEnd(bytes))]);
    await t.expectRefused(badSum, 'damaged', /checksum/);
    const brokenJson = concatBytes([new TextEncoder().encode(text.replace('"version":1', '"version":1,,')), bytes.subarray(headerEnd(bytes))]);
    await t.expectRefused(brokenJson, 'damaged', /header cannot be read/);
  });

  it('foreign files: a zip, a CSV, another app’s JSON, a vCard, an empty file, random bytes', async () => {
    const t = await target();
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, ...Array.from({ length: 200 }, (_, i) => (i * 37) % 256)]);
    await t.expectRefused(zip, 'foreign', /ZIP archive, not a Fieldbook backup/);
    await t.expectRefused(new TextEncoder().encode('First name,Last name,Email\nSita,Rai,sita@example.com\n'), 'foreign', /CSV/);
    await t.expectRefused(new TextEncoder().encode('{"name":"my-notes","items":[1,2,3]}\n'), 'foreign', /JSON file from another app/);
    await t.expectRefused(new TextEncoder().encode('{"format":"other-app-backup","version":1}\nxyz'), 'foreign', /JSON file from another app/);
    await t.expectRefused(new TextEncoder().encode('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n'), 'foreign', /vCard/);
    await t.expectRefused(new Uint8Array(0), 'foreign', /empty/);
    await t.expectRefused(new Blob([new Uint8Array(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 251))]), 'foreign', /not a Fieldbook backup/);
  });

  it('a backup from a newer Fieldbook says to update', async () => {
    const t = await target();
    await t.expectRefused(await forge([], { version: 2 }), 'unsupported', /newer version of Fieldbook.*Update Fieldbook/);
  });

  it('a file with a valid checksum but contents Fieldbook would never write', async () => {
    const t = await target();
    const manifest = { t: 'manifest', format: BACKUP_FORMAT, version: 1, workspace: 'x', exportedAt: '2026-11-23T10:00:00.000Z', counts: { docs: 0, history: 0, settings: 0, records: {} } };
    const withDocs = (n: number) => ({ ...manifest, counts: { ...manifest.counts, docs: n } });
    const docsHeader = (n: number) => ({ counts: { ...manifest.counts, docs: n } });
    // No end marker: the file was cut at a line boundary before it was checksummed.
    await t.expectRefused(await forge([manifest]), 'damaged', /no end marker/);
    await t.expectRefused(await forge([{ t: 'end', lines: 0 }]), 'damaged', /does not start with its manifest/);
    await t.expectRefused(await forge([manifest, { t: 'surprise' }, { t: 'end', lines: 2 }]), 'damaged', /line 2 is not valid/);
    // A record that breaks its schema, written straight into Yjs.
    const hostile = new Y.Doc();
    const map = new Y.Map();
    recordsOf(hostile).set('c1', map as never);
    const at = '00000000a-0000-0000009';
    map.set('v|9', [1, at, '', 'x']);
    map.set('createdAt|9', ['2026-01-01T00:00:00.000Z', at, '', 'x']);
    map.set('firstName|9', ['Eve', at, '', 'x']);
    map.set('email|9', ['not-an-email', at, '', 'x']);
    const state = Buffer.from(Y.encodeStateAsUpdate(hostile)).toString('base64');
    const docId = `contact/b${(await import('../sync/doc-layout')).fnv1a('c1') % 32}`;
    await t.expectRefused(await forge([withDocs(1), { t: 'doc', id: docId, state }, { t: 'end', lines: 2 }], docsHeader(1)), 'invalid', /email must be an email address/);
    await t.expectRefused(await forge([withDocs(1), { t: 'doc', id: 'contact/b0', state: '@@@' }, { t: 'end', lines: 2 }], docsHeader(1)), 'damaged', /cannot be decoded/);
    await t.expectRefused(await forge([withDocs(1), { t: 'doc', id: 'widget/b0', state: '' }, { t: 'end', lines: 2 }], docsHeader(1)), 'invalid', /unknown type/);
    await t.expectRefused(await forge([withDocs(1), { t: 'doc', id: 'contact/b0', state: 'AQID+/v8' }, { t: 'end', lines: 2 }], docsHeader(1)), 'invalid', /not a valid Yjs update/);
  });

  it('verifies everything before it writes: a bad doc late in the file leaves earlier docs unwritten', async () => {
    const { ws } = await demoLikeWorkspace();
    const bytes = await fileBytes(ws, { compress: false });
    const text = new TextDecoder().decode(bytes.subarray(headerEnd(bytes)));
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { t: string; id?: string; state?: string });
    const last = lines.filter((l) => l.t === 'doc').at(-1)!;
    last.state = 'AQID+/v8';
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, headerEnd(bytes) - 1))) as Record<string, unknown>;
    const t = await target();
    await t.expectRefused(await forge(lines, { workspace: header.workspace, exportedAt: header.exportedAt, counts: header.counts }), 'invalid', /not a valid Yjs update/);
  });
});
