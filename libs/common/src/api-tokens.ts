import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { readSecretFile } from './secret-file';

/** What an API caller may do: each role includes the ones before it. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * One named token as a tokens file keeps it: never the token, only its SHA-256. API tokens are long
 * random strings (haco makes 32 bytes), so a fast hash is as safe as a slow one and costs nothing per call,
 * as GitHub and npm store theirs.
 */
const TOKEN_ENTRY = z
  .object({
    name: z.string().min(1).max(128),
    role: z.enum(ROLES),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' }),
    expires: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const TOKENS_FILE = z.object({ tokens: z.array(TOKEN_ENTRY) }).strict();

export type TokenEntry = z.output<typeof TOKEN_ENTRY>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Reads and checks a tokens file (0600, or refused); throws one line naming the entry and field. */
export function readTokenEntries(path: string): TokenEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readSecretFile(path, 'the tokens file'));
  } catch (error) {
    throw new Error(`cannot read the tokens file ${path}: ${(error as Error).message}`);
  }
  const parsed = TOKENS_FILE.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the tokens file ${path}: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data.tokens;
}

/** Writes a tokens file, readable by its owner only. */
export function writeTokenEntries(path: string, tokens: readonly TokenEntry[]): void {
  writeFileSync(path, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Makes a new token for `name` (replacing any it had), adds its hash to the file and returns the token:
 * the only time it is ever shown.
 */
export function addToken(path: string, entry: { name: string; role: Role; expires?: string }): string {
  const token = randomBytes(32).toString('hex');
  const others = existsSync(path) ? readTokenEntries(path).filter((t) => t.name !== entry.name) : [];
  writeTokenEntries(path, [...others, { ...entry, sha256: hashToken(token) }]);
  return token;
}
