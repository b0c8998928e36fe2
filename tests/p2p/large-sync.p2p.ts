// A first sync of thousands of records (well over Chrome's 256 KiB message limit) between two Chromium processes, with records to go shown, dropped midway and resumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Server } from '../support/harness';
import {
  appErrors,
  joinMeeting,
  loadSmallDemo,
  openDevice,
  readModelDigest,
  openSyncScreen,
  reopen,
  savePassword,
  startMeeting,
  startSignal,
  until,
  waitInSync,
  webrtcStats,
  type Device,
  type Hooked,
  type Signal
} from './support';

const WORKSPACE = 'bulk';
let server: Server;
let signal: Signal;
let full: Device;
let fresh: Device;

beforeAll(async () => {
  [server, signal] = await Promise.all([startServer(), startSignal()]);
  [full, fresh] = await Promise.all([openDevice('full', server.url, `sync?workspace=${WORKSPACE}`), openDevice('new', server.url, `sync?workspace=${WORKSPACE}`)]);
});

afterAll(async () => {
  await Promise.all([full?.context.close(), fresh?.context.close()]);
  await signal?.stop();
  await server?.stop();
});

/** Docs stored on a device so far (each arrives whole: a doc either is in the manifest or not). */
const storedDocs = (d: Device) => d.page.evaluate(() => ((globalThis as unknown as Hooked).__fieldbook.session.db as unknown as { docs: { count(): Promise<number> } }).docs.count());

describe('a new device joins a device holding the small demo (15,000 records)', () => {
  it('gets everything through the data channel in 16 KiB frames, even after its page closes midway', async () => {
    const demo = await loadSmallDemo(full.page);
    expect(demo.done).toBeGreaterThan(10_000);
    const total = await storedDocs(full);
    await Promise.all([savePassword(full.page), savePassword(fresh.page)]);
    const code = await startMeeting(full.page, signal.url);
    await joinMeeting(fresh.page, signal.url, code);

    // Midway: some docs stored, not all. Then the new device's page closes (the tablet is shut).
    await fresh.page.locator('[data-testid=sync-meeting][data-catching-up=true]').waitFor({ timeout: 60_000 });
    // While it catches up, the peer lists say about how many records are still to go, not only docs. The sending
    // device knows its own records per doc, so its figure is at most the demo's size; the new one learns it as docs arrive.
    const toGo = /of [\d,]+ docs, about ([\d,]+) records? to go/;
    const onFull = full.page.getByTestId('sync-peers').getByText(toGo).first();
    await onFull.waitFor({ timeout: 60_000 });
    const figure = Number(toGo.exec(await onFull.innerText())![1].replace(/,/g, ''));
    expect(figure).toBeGreaterThan(0);
    expect(figure).toBeLessThanOrEqual(demo.done * 1.05);
    await fresh.page.getByTestId('sync-peers').getByText(toGo).first().waitFor({ timeout: 60_000 });
    const partial = await until(() => storedDocs(fresh), (n) => n > 0, 120_000, 'the first docs to arrive');
    expect(partial).toBeLessThan(total);
    await fresh.page.close();
    await full.page.locator('[data-testid=sync-peers] li[data-state=failed], [data-testid=sync-peers] li[data-state=closed]').first().waitFor({ timeout: 60_000 });
    await full.page.getByTestId('sync-problems').getByText(/lost before the sync finished|ended before the sync finished/).waitFor();

    // It comes back on the contact list, not the Sync screen: the app rejoins the meeting it was in from any screen,
    // and the sync picks up from what was stored.
    await reopen(fresh, server.url, 'contacts');
    expect(await storedDocs(fresh)).toBeGreaterThanOrEqual(partial);
    await until(() => storedDocs(fresh), (n) => n > partial, 120_000, 'more docs while the Sync screen is closed');
    await openSyncScreen(fresh.page);
    await Promise.all([waitInSync(full.page, 1, 300_000), waitInSync(fresh.page, 1, 300_000)]);
    const [a, b] = await Promise.all([readModelDigest(full.page), readModelDigest(fresh.page)]);
    expect(b).toEqual(a);
    expect(Object.keys(a).length).toBeGreaterThan(5);

    const stats = await webrtcStats(full.page);
    expect(stats.syncBytesSent).toBeGreaterThan(256 * 1024);
    expect(stats.succeededPairs).toBeGreaterThanOrEqual(1);
    expect(appErrors(fresh.errors)).toEqual([]);
  });
});
