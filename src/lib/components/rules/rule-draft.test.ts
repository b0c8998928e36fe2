// The rule draft: parameters follow the chosen trigger, numbers are checked, and a rule reads back as text.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '$lib/core/commands';
import { paramsFor, paramsText, ruleDraft, ruleInput } from './rule-draft';

describe('rule drafts', () => {
  it('start with the first trigger and its default parameters', () => {
    expect(ruleDraft(null)).toMatchObject({ trigger: 'account.noContact', params: { weeks: '6', tier: 'key' }, isEnabled: true });
  });
  it('switch parameters with the trigger, keeping ones of the same name', () => {
    expect(paramsFor('opportunity.closeDatePassed', { weeks: '3' })).toEqual({ graceDays: '0' });
    expect(paramsFor('account.noContact', { weeks: '3' })).toEqual({ weeks: '3', tier: 'key' });
  });
  it('make typed numbers numbers and refuse what is not a whole number', () => {
    const d = { name: 'Stale deals', trigger: 'opportunity.closeDatePassed', params: { graceDays: '7' }, isEnabled: true, description: '' };
    expect(ruleInput(d).params).toEqual({ graceDays: 7 });
    expect(() => ruleInput({ ...d, params: { graceDays: '1.5' } })).toThrow(ValidationError);
    expect(() => ruleInput({ ...d, trigger: 'nope' })).toThrow(ValidationError);
  });
  it('read back with the trigger’s labels', () => {
    expect(paramsText('account.noContact', { weeks: 6, tier: 'key' })).toBe('Weeks without contact: 6 · Account tier: key');
  });
});
