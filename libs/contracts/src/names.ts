/** Cluster and peer names become NATS subject tokens, so they are restricted to safe characters. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export function isSubjectToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

export function subjectTokenError(what: string, value: unknown): string | null {
  return isSubjectToken(value)
    ? null
    : `${what} must be 1 to 64 letters, digits, '-' or '_' (it names NATS subjects), not ${JSON.stringify(value)}`;
}
