// Money as typed: amounts to minor units and back, without silent rounding.
import { describe, expect, it } from 'vitest';
import { amountText, currencyOptions, numberText, parseAmount, parseDecimal } from './money';

describe('typed amounts', () => {
  it('read decimals, grouping and signs into minor units', () => {
    expect(parseAmount('1,250.50')).toBe(125050);
    expect(parseAmount('1 250.5')).toBe(125050);
    expect(parseAmount('0.29')).toBe(29);
    expect(parseAmount('.5')).toBe(50);
    expect(parseAmount('-20')).toBe(-2000);
    expect(parseAmount('149999')).toBe(14999900);
  });
  it('refuse what is not an amount, or has more decimals than the currency', () => {
    expect(parseAmount('abc')).toBeNull();
    expect(parseAmount('10.005')).toBeNull();
    expect(parseAmount('1.2.3')).toBeNull();
    expect(parseAmount('')).toBeNull();
    expect(parseAmount('  ', 0)).toBe(0);
  });
  it('write minor units back as text that parses to the same value', () => {
    for (const minor of [0, 5, 29, 125050, -2000, 14999900]) expect(parseAmount(amountText(minor))).toBe(minor);
    expect(amountText(125050)).toBe('1250.50');
    expect(amountText(-5)).toBe('-0.05');
  });
  it('read plain numbers and print them without float noise', () => {
    expect(parseDecimal('13')).toBe(13);
    expect(parseDecimal('2.5')).toBe(2.5);
    expect(parseDecimal('')).toBeNull();
    expect(numberText(0.1 + 0.2)).toBe('0.3');
  });
  it('offer common currencies and keep an unusual current one', () => {
    expect(currencyOptions('NPR')[0].value).toBe('NPR');
    expect(currencyOptions('CHF')[0].value).toBe('CHF');
  });
});
