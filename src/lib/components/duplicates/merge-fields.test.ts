// The side-by-side merge's choices: defaults mirror mergeFields, and radio picks become keep/other for the kept record.
import { describe, expect, it } from 'vitest';
import { choicesFor, defaultSide, differs, fieldText, mergeFieldsOf, mergedText } from './merge-fields';

const fields = mergeFieldsOf.contact;
const field = (key: string) => fields.find((f) => f.key === key)!;
const left = { firstName: 'Sita', lastName: 'Sharma', email: 'sita.sharma@gmail.com', phone: '', title: 'Purchasing', tags: ['Customers'], accountId: 'a1', company: 'Everest Traders', address: { street: '', city: 'Kathmandu', region: '', postalCode: '', country: '' } };
const right = { firstName: 'Sita', lastName: 'Sharma', email: 'sitasharma+crm@gmail.com', phone: '01-5550199', title: 'Head of Purchasing', tags: ['Suppliers'], accountId: 'a2', company: 'Everest Traders Pvt Ltd', address: { street: '', city: '', region: '', postalCode: '', country: '' } };

describe('merge choices', () => {
  it('shows values as text and finds the fields that differ', () => {
    expect(fieldText(field('address'), left)).toBe('Kathmandu');
    expect(fieldText(field('address'), right)).toBe('');
    expect(fieldText(field('accountId'), left)).toBe('Everest Traders');
    expect(fields.filter((f) => differs(f, left, right)).map((f) => f.key)).toEqual(['email', 'phone', 'title', 'accountId', 'address', 'tags']);
  });

  it('defaults to the kept value, the other one where the kept is empty, and both for lists', () => {
    expect(defaultSide(field('title'), 'left', left, right)).toBe('left');
    expect(defaultSide(field('phone'), 'left', left, right)).toBe('right');
    expect(defaultSide(field('tags'), 'left', left, right)).toBe('both');
    expect(mergedText(field('tags'), 'both', left, right)).toBe('Customers, Suppliers');
  });

  it('turns sides into keep/other for the kept record, and moves the company name with the account', () => {
    const sides = { title: 'right', phone: 'right', tags: 'both', accountId: 'right', email: 'left' } as const;
    expect(choicesFor(fields, sides, 'left')).toEqual({ title: 'other', phone: 'other', accountId: 'other', company: 'other', email: 'keep' });
    expect(choicesFor(fields, sides, 'right')).toEqual({ title: 'keep', phone: 'keep', accountId: 'keep', company: 'keep', email: 'other' });
  });
});
