import type { HaConfig } from '@haco/ha-core';
import { PeerConfigError } from './peer-config-error';

/**
 * `kea-partners` names partners of the relationship that are real Kea servers, reached at an http:// url,
 * or an https:// one with TLS configured (Kea's parser has already checked that https has its TLS).
 */
export function checkKeaPartners(partners: readonly string[], ha: HaConfig): void {
  partners.forEach((partner, index) => {
    const peer = ha.peers.find((p) => p.name === partner && p.name !== ha.thisServerName);
    if (peer === undefined)
      throw new PeerConfigError(`'${partner}' is not a partner in the relationship`, `kea-partners.${index}`);
    if (!/^https?:\/\/[^/]+/.test(peer.url))
      throw new PeerConfigError(
        `the url of Kea partner '${partner}' must be an http:// or https:// URL`,
        `kea-partners.${index}`,
      );
  });
}
