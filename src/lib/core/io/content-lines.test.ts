// Content lines: folding keeps every physical line within 75 octets and never cuts a character; unfolding restores the text.
import { describe, expect, it } from 'vitest';
import { basicUtc, escapeText, foldLine, octetLength, splitUnescaped, unescapeText, unfoldLines } from './content-lines';

describe('foldLine', () => {
  it('leaves a line of exactly 75 octets alone and folds the 76th onto a continuation line', () => {
    const line = 'X'.repeat(75);
    expect(foldLine(line)).toBe(line);
    expect(foldLine(`${line}Y`)).toBe(`${line}\r\n Y`);
  });

  it('counts the leading space of continuation lines', () => {
    const folded = foldLine('a'.repeat(200));
    const parts = folded.split('\r\n');
    expect(parts.map((p) => p.length)).toEqual([75, 75, 52]);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
  });

  it('moves a multi-byte character that would cross the limit to the next line whole', () => {
    for (const ch of ['é', 'न', '😀']) {
      for (let pad = 70; pad <= 75; pad++) {
        const folded = foldLine('x'.repeat(pad) + ch.repeat(30));
        for (const part of folded.split('\r\n')) {
          expect(octetLength(part)).toBeLessThanOrEqual(75);
          expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        }
        expect(unfoldLines(folded)).toEqual(['x'.repeat(pad) + ch.repeat(30)]);
      }
    }
  });
});

describe('unfoldLines', () => {
  it('accepts CRLF, LF and CR, joins space- or tab-led continuations, drops a BOM and trailing blank lines', () => {
    expect(unfoldLines('\uFEFFA:1\r\n B\nC:2\r\tD\r\n\r\n')).toEqual(['A:1B', 'C:2D']);
  });
});

describe('text escaping', () => {
  it('round-trips backslash, comma, semicolon and newlines', () => {
    const text = 'a\\b, c; d\ne\r\nf';
    expect(escapeText(text)).toBe('a\\\\b\\, c\\; d\\ne\\nf');
    expect(unescapeText(escapeText(text))).toBe('a\\b, c; d\ne\nf');
  });

  it('splits on separators that are not escaped', () => {
    expect(splitUnescaped('Rai;Sita\\;x;;', ';')).toEqual(['Rai', 'Sita\\;x', '', '']);
    expect(splitUnescaped('a\\,b,c', ',').map(unescapeText)).toEqual(['a,b', 'c']);
  });

  it('writes instants in basic UTC form', () => {
    expect(basicUtc('2026-11-23T18:20:05.123Z')).toBe('20261123T182005Z');
    expect(basicUtc('2026-11-24T00:05:00+05:45')).toBe('20261123T182000Z');
  });
});
