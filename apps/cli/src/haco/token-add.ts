import type { Role } from '@haco/common';
import { addToken, ROLES } from '@haco/common';
import { CliError } from './api-client';
import { write } from './views';

export interface TokenAddOptions {
  readonly role: string;
  readonly expires?: string;
  readonly file: string;
}

/**
 * Makes a named API token: its hash goes into the coordinator's tokens file (which it reloads by itself),
 * the token to standard output, once. The name is what the audit records as who.
 */
export async function tokenAdd(name: string, options: TokenAddOptions): Promise<number> {
  if (!(ROLES as readonly string[]).includes(options.role))
    throw new CliError(`--role must be one of ${ROLES.join(', ')}, not ${options.role}`, 2);
  if (options.expires !== undefined && Number.isNaN(Date.parse(options.expires)))
    throw new CliError(`--expires must be an ISO 8601 time, not ${options.expires}`, 2);
  const token = addToken(options.file, {
    name,
    role: options.role as Role,
    ...(options.expires === undefined ? {} : { expires: new Date(options.expires).toISOString() }),
  });
  process.stderr.write(
    `token for ${name} (${options.role}) added to ${options.file}; it is shown only now:\n`,
  );
  write(token);
  return 0;
}
