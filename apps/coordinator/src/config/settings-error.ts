import type { z } from 'zod';

/** A refused setting in one line: its path and what it must be (the first problem found). */
export function settingsError(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path === '' ? '' : ` in ${path}`;
    return `unknown setting${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}`;
  }
  return path === '' ? issue.message : `${path} ${issue.message}`;
}
