/** The header naming the instance that published an events message (host, pid, run): kept with a refusal. */
export const SOURCE_HEADER = 'Haco-Source';
