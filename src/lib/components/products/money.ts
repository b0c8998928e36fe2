// Money and numbers as people type them ("1,250.50", "13") to and from the integer minor units records store.

/** Minor units per major unit. Fieldbook's totals and printouts assume two decimals (paisa, cents) for every currency. */
export const MINOR_PER_MAJOR = 100;

/** Currencies offered in pickers; a record holding another code keeps it. */
export const commonCurrencies = ['NPR', 'INR', 'USD', 'EUR', 'GBP', 'CNY', 'AUD', 'JPY'] as const;

/** The currency choices for a select, with the current value kept even when it is not a common one. */
export function currencyOptions(current = ''): { value: string; label: string }[] {
  const codes: string[] = [...commonCurrencies];
  if (current && !codes.includes(current)) codes.unshift(current);
  return codes.map((c) => ({ value: c, label: c }));
}

/** A decimal number as typed: digits with an optional sign, thousands separators (commas, spaces) and a decimal point. */
export function parseDecimal(text: string): number | null {
  const clean = text.replace(/[\s,\u00a0']/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(clean)) return null;
  const value = Number(clean);
  return Number.isFinite(value) ? value : null;
}

/**
 * An amount as typed, in minor units: "1,250.5" → 125050. Null when it is not a number or has more decimals than
 * the currency has (a price of 10.005 is a typo, not something to round silently). Empty text gives `empty`.
 */
export function parseAmount(text: string, empty: number | null = null): number | null {
  if (text.trim() === '') return empty;
  const value = parseDecimal(text);
  if (value === null) return null;
  const minor = value * MINOR_PER_MAJOR;
  const rounded = Math.round(minor);
  // Float noise (0.29 × 100 = 28.999…) is not an extra decimal.
  if (Math.abs(minor - rounded) > 1e-6) return null;
  return rounded;
}

/** Minor units as an input's text: 125050 → "1250.50" (no grouping, so it parses back unchanged). */
export function amountText(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / MINOR_PER_MAJOR)}.${String(abs % MINOR_PER_MAJOR).padStart(2, '0')}`;
}

/** A plain number as an input's text without float noise: 0.1 + 0.2 shows as "0.3". */
export function numberText(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
