import { readFileSync } from 'node:fs';
import type { HaConfig } from '@haco/ha-core';
import { readSecretFile } from '@haco/common';

/** The PEM texts of one side of Kea's HA TLS: the trust anchor (CA), the certificate and its key. */
export interface KeaTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * A peer entry's TLS as Kea 2.2 resolves it: `trust-anchor`, `cert-file` and `key-file` of the entry, or
 * else the relationship's (all three or none, checked by the core's parser). This server's own entry
 * serves its listener; a partner's entry is used to call it. null: plain HTTP.
 */
export function keaTls(ha: HaConfig, peerName: string): KeaTls | null {
  const peer = ha.peers.find((p) => p.name === peerName);
  const trustAnchor = peer?.trustAnchor ?? ha.trustAnchor;
  const certFile = peer?.certFile ?? ha.certFile;
  const keyFile = peer?.keyFile ?? ha.keyFile;
  if (trustAnchor === undefined || certFile === undefined || keyFile === undefined) return null;
  return {
    ca: readFileSync(trustAnchor, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    key: readSecretFile(keyFile, 'the HA TLS key file'),
  };
}
