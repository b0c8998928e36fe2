// The rule for a team sync password typed on the Sync screen: one zod schema, so every form that takes it refuses the same input with the same words.
import { z } from 'zod';

export const MIN_TEAM_PASSWORD = 8;
/** Far beyond any password a team types on every device; a longer entry is a paste gone wrong, not a password. */
export const MAX_TEAM_PASSWORD = 256;

/**
 * A team password: 8 to 256 characters, not only spaces, no control characters (tabs, line breaks, NUL… copied in
 * by accident, they make the same-looking password differ between devices). Any printable character is allowed,
 * `<` and `>` included: the password is never shown or put into HTML, only hashed, and refusing characters would
 * only make passwords weaker. It is kept exactly as typed (no trimming), as every device already stores it.
 */
export const teamPasswordSchema = z
  .string()
  .min(1, { error: 'Enter the team sync password: the same one every device of your team uses.' })
  .refine((p) => p.trim() !== '', { error: 'The password cannot be only spaces. Type the team sync password that every device of your team uses.', abort: true })
  .refine((p) => !/\p{Cc}/u.test(p), {
    error: 'The password contains an invisible control character (a tab, a line break or similar, often copied in by accident). Type it again without it.',
    abort: true
  })
  .min(MIN_TEAM_PASSWORD, {
    error: `Use at least ${MIN_TEAM_PASSWORD} characters. Every device of the team types the same password; a longer one protects your data better.`,
    abort: true
  })
  .max(MAX_TEAM_PASSWORD, { error: `Use at most ${MAX_TEAM_PASSWORD} characters: every device of the team has to type the same password.` });

/** Why `password` cannot be the team password, or null when it can. */
export function teamPasswordProblem(password: string): string | null {
  const result = teamPasswordSchema.safeParse(password);
  return result.success ? null : (result.error.issues[0]?.message ?? 'This password cannot be used.');
}
