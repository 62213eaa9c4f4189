/** The header naming the instance that published an events message (host, pid, run): kept with a refusal. */
export const SOURCE_HEADER = 'Haco-Source';

/**
 * Set on the empty reply a peer sends where Kea 2.2.0 sends no answer at all (over HTTP Kea closes the
 * connection): the caller learns at once, with the reason, instead of waiting for its timeout.
 */
export const NO_ANSWER_HEADER = 'Haco-No-Answer';
