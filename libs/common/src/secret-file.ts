import { readFileSync, statSync } from 'node:fs';

/** Group- or world-readable: the bits a secret's file must not have. */
const READABLE_BY_OTHERS = 0o044;

/**
 * Reads a file that holds a secret (a token, a password, an nkey seed, a private key), refusing it when
 * anyone but its owner may read it, as ssh does with a private key: a secret that others can read is
 * already shared, and running on it would hide that.
 */
export function readSecretFile(path: string, what: string): string {
  const mode = statSync(path).mode;
  if ((mode & READABLE_BY_OTHERS) !== 0) {
    throw new Error(
      `${what} ${path} is readable by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); make it 0600 (chmod 600 ${path})`,
    );
  }
  return readFileSync(path, 'utf8').trim();
}
