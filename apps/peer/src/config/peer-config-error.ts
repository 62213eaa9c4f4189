/** A refused peer configuration: the reason and the path of the offending field. */
export class PeerConfigError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(path.length > 0 ? `${reason} (at ${path})` : reason);
    this.name = 'PeerConfigError';
  }
}
