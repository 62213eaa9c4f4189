import type { KeaResponse } from '@haco/ha-core';
import { answer, KEA_RESULT } from '@haco/ha-core';

/** Kea's answer to a command name it does not know (result 2), in its own words. */
export function notSupported(name: string): KeaResponse {
  return answer(KEA_RESULT.unsupported, `'${name}' command not supported.`);
}
