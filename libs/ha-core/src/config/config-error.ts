/**
 * A refused HA configuration. `message` is Kea's text (what operators grep for); `path` says where in
 * the `high-availability` value the offending field is, e.g. `[0].peers[1].role`.
 */
export class HaConfigError extends Error {
  constructor(
    readonly keaText: string,
    readonly path: string,
  ) {
    super(keaText);
    this.name = 'HaConfigError';
  }

  /** Kea's text followed by where it was found, for start-up errors shown to people. */
  describe(root = 'high-availability'): string {
    return `${this.keaText} (at ${root}${this.path})`;
  }
}
