// The team password rule: what is refused (with which reason) and what is kept as typed.
import { describe, expect, it } from 'vitest';
import { MAX_TEAM_PASSWORD, teamPasswordProblem, teamPasswordSchema } from './team-password';

describe('team password rule', () => {
  it('refuses empty, blank, short, long and control-character passwords, each with its own reason', () => {
    expect(teamPasswordProblem('')).toMatch(/^Enter the team sync password/);
    expect(teamPasswordProblem('          ')).toMatch(/cannot be only spaces/);
    expect(teamPasswordProblem('\t \n')).toMatch(/cannot be only spaces/);
    expect(teamPasswordProblem('short')).toMatch(/^Use at least 8 characters/);
    expect(teamPasswordProblem('1234567')).toMatch(/^Use at least 8 characters/);
    expect(teamPasswordProblem('x'.repeat(MAX_TEAM_PASSWORD + 1))).toMatch(/^Use at most 256 characters/);
    expect(teamPasswordProblem('x'.repeat(100_000))).toMatch(/^Use at most 256 characters/);
    for (const bad of ['correct horse\tbattery', 'line one\nline two', 'nul\u0000inside-it', 'bell\u0007ringing', 'c1 control\u0085here', 'escape\u001b[31mred']) {
      expect(teamPasswordProblem(bad), JSON.stringify(bad)).toMatch(/invisible control character/);
    }
  });

  it('names one reason for a hostile string, the first rule it breaks', () => {
    const hostile = `<script>alert(1)</script>\u0000${'A'.repeat(5000)}`;
    expect(teamPasswordProblem(hostile)).toMatch(/invisible control character/);
    expect(teamPasswordSchema.safeParse(hostile).error?.issues).toHaveLength(1);
  });

  it('accepts any printable password of 8 to 256 characters exactly as typed', () => {
    for (const good of ['correct horse battery staple', 'पासवर्ड-नेपाल-२०२६', '  spaced out  ', '<script>alert(1)</script>', 'x'.repeat(MAX_TEAM_PASSWORD), '12345678']) {
      expect(teamPasswordProblem(good), good).toBeNull();
      expect(teamPasswordSchema.parse(good)).toBe(good);
    }
  });
});
