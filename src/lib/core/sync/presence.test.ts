// Presence messages: sealed with the team key, checked on arrival, ordered by seq; paths map to the record they show.
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveTeamKey, seal, WrongKeyError } from './crypto';
import { openPresence, PresenceBook, PresenceError, presenceOfPath, sealPresence, type Presence } from './presence';

let key: CryptoKey;
let wrongKey: CryptoKey;
beforeAll(async () => {
  [key, wrongKey] = await Promise.all([deriveTeamKey('himal team 2026', 'fieldbook-test'), deriveTeamKey('another', 'fieldbook-test')]);
});

const asha: Presence = { user: 'u-asha', name: 'Asha Gurung', route: '/contacts/c1', collection: 'contact', recordId: 'c1', isEditing: false };

describe('presence messages', () => {
  it('round-trip sealed; another key, an altered byte or a forged body do not open', async () => {
    const sealed = await sealPresence(key, { seq: 3, presence: asha });
    expect(new TextDecoder().decode(sealed)).not.toContain('Asha');
    expect(await openPresence(key, sealed)).toEqual({ seq: 3, presence: asha });
    await expect(openPresence(wrongKey, sealed)).rejects.toBeInstanceOf(WrongKeyError);
    const altered = sealed.slice();
    altered[20] ^= 1;
    await expect(openPresence(key, altered)).rejects.toBeInstanceOf(WrongKeyError);
    const context = new TextEncoder().encode('fieldbook:presence:v1');
    const forged = await seal(key, new TextEncoder().encode(JSON.stringify({ v: 1, seq: 1, user: 'x', name: 'y'.repeat(500), route: '/', collection: 'spaceship', recordId: '', isEditing: 'yes' })), context);
    await expect(openPresence(key, forged)).rejects.toBeInstanceOf(PresenceError);
    // A sealed sync message (another context) is never taken for presence.
    await expect(openPresence(key, await seal(key, new TextEncoder().encode('{}')))).rejects.toBeInstanceOf(WrongKeyError);
  });

  it('keeps the newest state per peer and finds who is on a record', () => {
    const book = new PresenceBook();
    expect(book.apply('p1', { seq: 2, presence: asha })).toBe(true);
    expect(book.apply('p1', { seq: 1, presence: { ...asha, recordId: 'old' } })).toBe(false);
    book.apply('p2', { seq: 1, presence: { ...asha, user: 'u-bikash', name: 'Bikash', isEditing: true } });
    expect(book.onRecord('contact', 'c1').map((x) => x.presence.name)).toEqual(['Asha Gurung', 'Bikash']);
    expect(book.onRecord('account', 'c1')).toEqual([]);
    book.remove('p1');
    expect(book.get('p1')).toBeNull();
    expect(book.onRecord('contact', 'c1')).toHaveLength(1);
  });
});

describe('presenceOfPath', () => {
  it('names the record a detail page shows, and nothing on lists, new-record forms and other screens', () => {
    expect(presenceOfPath('/contacts/0190abc')).toEqual({ route: '/contacts/0190abc', collection: 'contact', recordId: '0190abc' });
    expect(presenceOfPath('/opportunities/o7/')).toMatchObject({ collection: 'opportunity', recordId: 'o7' });
    expect(presenceOfPath('/accounts')).toMatchObject({ collection: '', recordId: '' });
    expect(presenceOfPath('/accounts/new')).toMatchObject({ collection: '', recordId: '' });
    expect(presenceOfPath('/sync')).toMatchObject({ collection: '', recordId: '' });
    expect(presenceOfPath('/')).toMatchObject({ route: '/', collection: '' });
  });
});
