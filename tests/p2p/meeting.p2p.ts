// Meetings between separate Chromium processes over real WebRTC: offline edits converge, three devices, presence, wrong password, a hostile device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkA11y, startServer, type Server } from '../support/harness';
import {
  appErrors,
  contactsByName,
  createContacts,
  createContactViaForm,
  deleteOpenContact,
  editContactField,
  joinMeeting,
  leaveMeeting,
  openContact,
  openDevice,
  openSyncScreen,
  readModelOf,
  reopen,
  savePassword,
  smallTargets,
  startMeeting,
  startSignal,
  until,
  waitInSync,
  webrtcStats,
  type Device,
  type Hooked,
  type Signal
} from './support';

const WORKSPACE = 'team';
let server: Server;
let signal: Signal;
let a: Device;
let b: Device;
let c: Device;
const ids: Record<string, string> = {};

beforeAll(async () => {
  [server, signal] = await Promise.all([startServer(), startSignal()]);
  [a, b] = await Promise.all([openDevice('A', server.url, `sync?workspace=${WORKSPACE}`), openDevice('B', server.url, `sync?workspace=${WORKSPACE}`)]);
});

afterAll(async () => {
  await Promise.all([a, b, c].map((d) => d?.context.close()));
  await signal?.stop();
  await server?.stop();
});

describe('two devices', () => {
  it('meet in a room by code and exchange records over a real data channel', async () => {
    const made = await createContacts(a.page, [
      { firstName: 'Sita', lastName: 'Gurung' },
      { firstName: 'Ram', lastName: 'Thapa', title: 'Buyer' },
      { firstName: 'Hari', lastName: 'Rai' },
      { firstName: 'Gita', lastName: 'Shah' }
    ]);
    [ids.sita, ids.ram, ids.hari, ids.gita] = ['Sita Gurung', 'Ram Thapa', 'Hari Rai', 'Gita Shah'].map((n) => made[n]);
    await Promise.all([savePassword(a.page), savePassword(b.page)]);
    // Before a meeting the screen offers start and join; it passes axe and every control is a finger wide.
    expect(await checkA11y(b.page)).toEqual([]);
    expect(await smallTargets(b.page)).toEqual([]);
    const code = await startMeeting(a.page, signal.url);
    expect(code).toMatch(/^[A-Z2-9]{3}-[A-Z2-9]{3}$/);
    // The QR code carries an invite link to this room and signaling server.
    await a.page.getByRole('img', { name: /QR code that opens this meeting/ }).waitFor();
    await joinMeeting(b.page, signal.url, code);
    await Promise.all([waitInSync(a.page, 1), waitInSync(b.page, 1)]);
    expect([...(await contactsByName(b.page)).keys()].sort()).toEqual(['Gita Shah', 'Hari Rai', 'Ram Thapa', 'Sita Gurung']);

    // Not BroadcastChannel (separate profiles anyway): the bytes went through an RTCDataChannel over a succeeded ICE pair.
    const stats = await webrtcStats(a.page);
    expect(stats.succeededPairs).toBeGreaterThanOrEqual(1);
    expect(stats.syncBytesSent).toBeGreaterThan(0);
    expect(stats.syncBytesReceived).toBeGreaterThan(0);
    expect((await webrtcStats(b.page)).syncBytesReceived).toBeGreaterThan(stats.syncBytesReceived);

    // The screen says what is happening, in words, and passes axe.
    await a.page.getByTestId('sync-peers').getByText('In sync').waitFor();
    await a.page.getByTestId('sync-status').getByText('Last synced with another device').waitFor();
    expect(await checkA11y(a.page)).toEqual([]);
    expect(await smallTargets(a.page)).toEqual([]);
    await Promise.all([leaveMeeting(a.page), leaveMeeting(b.page)]);
  });

  it('edit offline, meet again: everything converges, different-field edits both kept, the same field listed on Conflicts', async () => {
    // Offline, through the screens. Sita: different fields. Ram: the same field. Hari: deleted on A, edited on B. New contacts on both.
    await openContact(a, server.url, ids.sita);
    await editContactField(a.page, 'Job title', 'Owner');
    await openContact(b, server.url, ids.sita);
    await editContactField(b.page, 'Phone', '+977 9800000001');
    await openContact(a, server.url, ids.ram);
    await editContactField(a.page, 'Job title', 'Store manager');
    await openContact(b, server.url, ids.ram);
    await editContactField(b.page, 'Job title', 'Director');
    await openContact(a, server.url, ids.hari);
    await deleteOpenContact(a.page);
    await openContact(b, server.url, ids.hari);
    await editContactField(b.page, 'City', 'Pokhara');
    await createContactViaForm(a, server.url, 'Asha', 'Lama');
    await createContactViaForm(b, server.url, 'Bikash', 'Karki');

    await Promise.all([a, b].map((d) => d.page.goto(new URL('sync', server.url).href)));
    const code = await startMeeting(a.page, signal.url);
    await joinMeeting(b.page, signal.url, code);
    await Promise.all([waitInSync(a.page, 1), waitInSync(b.page, 1)]);

    const [ma, mb] = await Promise.all([readModelOf(a.page), readModelOf(b.page)]);
    expect(mb).toEqual(ma);
    const contacts = await contactsByName(a.page);
    expect(contacts.get('Sita Gurung')).toMatchObject({ title: 'Owner', phone: '+977 9800000001' });
    expect(contacts.get('Hari Rai')).toMatchObject({ _del: 1, address: expect.objectContaining({ city: 'Pokhara' }) });
    expect(contacts.has('Asha Lama') && contacts.has('Bikash Karki')).toBe(true);
    // Same field: B wrote "Director" after A wrote "Store manager" (the steps above run in that order), so B's wins,
    // and A's value stays listed as a conflict to review.
    expect(contacts.get('Ram Thapa')?.title).toBe('Director');
    expect(contacts.get('Ram Thapa')?._conflict).toBe(1);

    for (const d of [a, b]) {
      await d.page.getByRole('link', { name: 'Conflicts', exact: true }).first().click();
      await d.page.getByRole('heading', { level: 1, name: 'Conflicts to review' }).waitFor();
      await d.page.getByRole('main').getByText('Ram Thapa').first().waitFor();
      await expect(d.page.getByRole('main').getByText('Director').first().isVisible()).resolves.toBe(true);
      await expect(d.page.getByRole('main').getByText('Store manager').first().isVisible()).resolves.toBe(true);
    }
  });
});

describe('three devices', () => {
  it('a third device with its own offline record joins: all three converge, and a live edit reaches everyone', async () => {
    c = await openDevice('C', server.url, `contacts?workspace=${WORKSPACE}`);
    await createContactViaForm(c, server.url, 'Chandra', 'Magar');
    await c.page.goto(new URL('sync', server.url).href);
    await c.page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    await savePassword(c.page);
    await Promise.all([openSyncScreen(a.page), openSyncScreen(b.page)]);
    // C joins through the invite the QR code holds (the same URL as A's invite link): room and server are filled in.
    const invite = (await a.page.getByTestId('invite-link').getAttribute('href'))!;
    expect(invite).toContain('/sync?');
    await c.page.goto(invite);
    await c.page.locator('[data-app-ready]').waitFor({ state: 'attached' });
    const code = (await a.page.getByTestId('room-code').textContent())!.trim();
    await expect.poll(() => c.page.getByRole('textbox', { name: 'Room code' }).inputValue()).toBe(code.replace('-', ''));
    expect(await c.page.getByRole('textbox', { name: 'Signaling server' }).inputValue()).toBe(signal.url);
    await c.page.getByRole('button', { name: 'Join', exact: true }).click();
    await Promise.all([a, b, c].map((d) => waitInSync(d.page, 2)));
    const models = await Promise.all([a, b, c].map((d) => readModelOf(d.page)));
    expect(models[1]).toEqual(models[0]);
    expect(models[2]).toEqual(models[0]);
    expect((await contactsByName(a.page)).has('Chandra Magar')).toBe(true);

    // Live: B adds a contact while in the meeting (in-app navigation keeps the meeting up); A and C see it in their lists.
    await b.page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await b.page.getByRole('link', { name: 'New contact' }).first().click();
    await b.page.getByRole('textbox', { name: 'First name' }).fill('Live');
    await b.page.getByRole('textbox', { name: 'Last name' }).fill('Meeting');
    await b.page.getByRole('button', { name: 'Create contact' }).click();
    await b.page.getByRole('heading', { level: 1, name: 'Live Meeting' }).waitFor();
    for (const d of [a, c]) {
      await d.page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
      await d.page.getByRole('link', { name: /Live Meeting/ }).first().waitFor({ timeout: 30_000 });
    }
    // Each device holds a direct data channel to both others. A link the mesh is just re-establishing (a slow timer on
    // a busy machine) shows its nominated pair a moment later, so the count is awaited rather than read once.
    for (const d of [a, b, c]) await expect.poll(async () => (await webrtcStats(d.page)).succeededPairs, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  });

  it('shows who is where: a badge on the record another device has open, and the Sync screen says what each has open', async () => {
    // C and A open Sita's page in-app (the meeting stays up); A's header shows C there, and C's shows A.
    for (const d of [c, a]) {
      await d.page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
      await d.page.getByRole('link', { name: /Sita Gurung/ }).first().click();
      await d.page.getByRole('heading', { level: 1, name: 'Sita Gurung' }).waitFor();
    }
    const badgeOnA = a.page.getByRole('main').getByTestId('presence-badges');
    await badgeOnA.and(a.page.locator('[data-count="1"]')).waitFor({ timeout: 30_000 });
    expect(await badgeOnA.innerText()).toMatch(/local-user has this open/);
    await c.page.getByRole('main').getByTestId('presence-badges').and(c.page.locator('[data-count="1"]')).waitFor({ timeout: 30_000 });
    // B is elsewhere (its contact list): A's badge counts only C. B's list shows who has Sita open, on her row.
    expect(await badgeOnA.getAttribute('data-count')).toBe('1');
    await b.page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    const sitaRowOnB = b.page.getByRole('link', { name: /Sita Gurung/ }).first();
    await sitaRowOnB.getByTestId('presence-badges').and(b.page.locator('[data-count="2"]')).waitFor({ timeout: 30_000 });
    expect(await b.page.getByRole('main').getByTestId('presence-badges').count()).toBe(1);

    // Unsaved typing on C shows as editing, on A's header and on A's Sync screen.
    await c.page.getByRole('textbox', { name: 'Job title', exact: true }).fill('Owner and buyer');
    await badgeOnA.getByText('local-user (editing) has this open').waitFor({ timeout: 30_000 });
    expect(await checkA11y(a.page)).toEqual([]);
    await openSyncScreen(a.page);
    await a.page.getByTestId('sync-peers').getByText(`Editing a contact record (/contacts/${ids.sita})`).waitFor({ timeout: 30_000 });
    await c.page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await a.page.getByTestId('sync-peers').getByText(`Viewing a contact record (/contacts/${ids.sita})`).waitFor({ timeout: 30_000 });

    // C's page closes on Sita's record (the tablet is shut): its link drops and A's badge for it goes. C reopens (same
    // device, a fresh awareness whose clock starts again), rejoins the meeting and is shown on Sita's page again.
    await a.page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
    await a.page.getByRole('link', { name: /Sita Gurung/ }).first().click();
    await a.page.getByRole('heading', { level: 1, name: 'Sita Gurung' }).waitFor();
    const badgeOnSita = a.page.getByRole('main').getByTestId('presence-badges');
    await badgeOnSita.and(a.page.locator('[data-count="1"]')).waitFor({ timeout: 30_000 });
    await c.page.close();
    await badgeOnSita.waitFor({ state: 'detached', timeout: 60_000 });
    await reopen(c, server.url, `contacts/${ids.sita}?workspace=${WORKSPACE}`);
    await badgeOnSita.and(a.page.locator('[data-count="1"]')).waitFor({ timeout: 60_000 });
    await Promise.all([openSyncScreen(b.page), openSyncScreen(c.page)]);
    await Promise.all([a, b, c].map((d) => waitInSync(d.page, 2)));
  });
});

describe('devices that do not belong', () => {
  it('a device with another password exchanges nothing, while a device with the right one joins', async () => {
    const code = (await a.page.getByTestId('room-code').textContent())!.trim();
    const intruder = await openDevice('X', server.url, `sync?workspace=${WORKSPACE}`);
    try {
      await savePassword(intruder.page, 'not the team password');
      await joinMeeting(intruder.page, signal.url, code);
      // B leaves and comes back with the right password at the same time: the meeting is open and working meanwhile.
      await leaveMeeting(b.page);
      await Promise.all([waitInSync(a.page, 1), waitInSync(c.page, 1)]);
      await joinMeeting(b.page, signal.url, code);
      await Promise.all([a, b, c].map((d) => waitInSync(d.page, 2)));
      // Both sides say so in plain words; the intruder lists no device and made no connection.
      await intruder.page.getByTestId('sync-problems').getByText(/uses a different team password, so nothing is exchanged/).waitFor({ timeout: 30_000 });
      await a.page.getByTestId('sync-problems').getByText(/A device with a different team password tried to join this room/).waitFor({ timeout: 30_000 });
      expect(await intruder.page.getByTestId('sync-peers').count()).toBe(0);
      expect((await webrtcStats(intruder.page)).connections).toBe(0);
      expect(await contactsByName(intruder.page)).toEqual(new Map());
      expect(await a.page.locator('[data-testid=sync-peers] li').count()).toBe(2);
    } finally {
      await intruder.context.close();
    }
  });

  it('a hostile device with the password: a corrupt update is refused and a garbage frame ends its session; local data intact', async () => {
    const before = await readModelOf(a.page);
    const code = (await a.page.getByTestId('room-code').textContent())!.trim();
    const hostile = await openDevice('H', server.url, `sync?workspace=${WORKSPACE}`);
    try {
      // Tampered app: keep the listeners the sync sessions register on the workspace, to feed them a forged change.
      await hostile.page.evaluate(() => {
        const ws = (globalThis as unknown as Hooked).__fieldbook.session.ws as unknown as { onChange(l: (e: unknown) => void): () => void };
        const listeners: ((e: unknown) => void)[] = [];
        const original = ws.onChange.bind(ws);
        ws.onChange = (l) => {
          listeners.push(l);
          return original(l);
        };
        (globalThis as unknown as { __forge: (docId: string) => void }).__forge = (docId) => {
          const garbage = new Uint8Array([0, 1, 2, 3, 250, 251, 252, 253, 254, 255, 9, 9, 9]);
          for (const l of listeners) l({ docId, collection: 'contact', ids: [], origin: 'fieldbook:local', update: garbage });
        };
      });
      await savePassword(hostile.page);
      await joinMeeting(hostile.page, signal.url, code);
      await until(() => readModelOf(hostile.page), (m) => JSON.stringify(m.contacts) === JSON.stringify(before.contacts), 120_000, 'H to receive the records');
      await waitInSync(a.page, 3);
      const docId = (before.contacts as { _doc: string }[])[0]._doc;

      // 1. A sealed, well-framed update whose content is garbage: A refuses it, says so, and keeps syncing.
      await hostile.page.evaluate((id) => (globalThis as unknown as { __forge: (d: string) => void }).__forge(id), docId);
      const problems = a.page.getByTestId('sync-problems');
      await problems.getByText(/Refused a change to contact\/.* sent by the other device/).waitFor({ timeout: 30_000 });
      expect(await readModelOf(a.page)).toEqual(before);
      await waitInSync(a.page, 3);

      // 2. Raw garbage on the data channel itself: not sync traffic, so A ends that session and does not reconnect to it.
      await hostile.page.evaluate(() => {
        for (const dc of globalThis.__webrtc.channels) {
          if (dc.label === 'fieldbook-sync' && dc.readyState === 'open') dc.send(new TextEncoder().encode('GET / HTTP/1.1 this is not a sync frame'));
        }
      });
      await problems.getByText(/not valid sync traffic/).first().waitFor({ timeout: 30_000 });
      await a.page.locator('[data-testid=sync-peers] li[data-state=failed]').first().waitFor();
      expect(await readModelOf(a.page)).toEqual(before);
      // The other devices are unaffected.
      await waitInSync(b.page, 2);
    } finally {
      await hostile.context.close();
    }
    expect(appErrors(a.errors)).toEqual([]);
  });
});
