// Content lines shared by vCard (RFC 6350 §3.2–3.4) and iCalendar (RFC 5545 §3.1, §3.3.11): folding, unfolding, text escaping.

/** Both formats end every line with CRLF, whatever the platform. */
export const CRLF = '\r\n';

/** Both RFCs: a line SHOULD NOT be longer than 75 octets, excluding the line break. */
export const MAX_LINE_OCTETS = 75;

const utf8Length = (codePoint: number): number => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/**
 * Folds one logical line into physical lines of at most 75 octets of UTF-8: a break is CRLF followed by one space,
 * and the space counts toward the next line's 75. Breaks fall between code points, so a multi-byte character
 * (or a surrogate pair) is never split — RFC 6350 §3.2 and RFC 5545 §3.1 both warn against that.
 */
export function foldLine(line: string): string {
  let out = '';
  let octets = 0;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (octets + n > MAX_LINE_OCTETS) {
      out += `${CRLF} `;
      octets = 1;
    }
    out += ch;
    octets += n;
  }
  return out;
}

/** Joins logical lines into a document: each folded, each ended by CRLF. */
export const toContentLines = (lines: readonly string[]): string => lines.map((l) => foldLine(l) + CRLF).join('');

/**
 * Splits a document into logical lines: accepts CRLF, LF or CR endings (files pass through tools that change them),
 * and joins a line that starts with a space or tab to the one before it, dropping that one whitespace character.
 */
export function unfoldLines(text: string): string[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const out: string[] = [];
  for (const line of physical) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) out[out.length - 1] += line.slice(1);
    else out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** TEXT value escaping, identical in both RFCs: backslash, comma, semicolon and line breaks. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Undoes escapeText; also accepts `\N` (vCard 3.0) and leaves unknown escapes as the character itself. */
export function unescapeText(value: string): string {
  return value.replace(/\\(.)/gs, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits on a separator that is not escaped by a backslash; the parts stay escaped (unescape each one after). */
export function splitUnescaped(value: string, separator: ';' | ','): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** Octets of a string in UTF-8 (what the 75-octet rule counts). */
export const octetLength = (text: string): number => new TextEncoder().encode(text).byteLength;

/** An instant in the basic UTC form both formats use: `20261123T182000Z` (seconds precision). */
export function basicUtc(iso: string | number | Date): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}
