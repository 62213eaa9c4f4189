/**
 * Ends every switch over a union of inputs, events or commands: adding a member without handling it is a
 * compile error here, and a value from outside the types (a stored event of a newer version) throws.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
