import type { HaConfig, KeaResponse, PeerConfig } from '@haco/ha-core';
import { answer, HA_COMMANDS, KEA_RESULT } from '@haco/ha-core';
import { version as HACO_VERSION } from '../../../../package.json';
import type { PeerSettings } from '../config/peer-config';
import { LEASE_COMMANDS } from '../leases/lease-commands';

/** The Kea version whose control channel a peer speaks: what Kea tools compare against. */
const KEA_VERSION = '2.2.0';

/** The server commands Kea 2.2 answers that tools (kea-shell, Stork-style pollers) start with. */
export const SERVER_COMMANDS = ['build-report', 'config-get', 'list-commands', 'version-get'] as const;
export type ServerCommandName = (typeof SERVER_COMMANDS)[number];

export function isServerCommand(name: string): name is ServerCommandName {
  return (SERVER_COMMANDS as readonly string[]).includes(name);
}

/** A server command's answer, in the shape Kea 2.2.0 gives it. */
export function serverCommandAnswer(name: ServerCommandName, settings: PeerSettings): KeaResponse {
  switch (name) {
    case 'version-get':
      return answer(KEA_RESULT.success, KEA_VERSION, {
        extended: `${KEA_VERSION}\nhaco ${HACO_VERSION} (a haco peer speaking Kea ${KEA_VERSION}'s control channel)`,
      });
    case 'list-commands':
      // Kea answers this one with no text.
      return { result: KEA_RESULT.success, arguments: everyCommand() };
    case 'build-report':
      return answer(KEA_RESULT.success, buildReport());
    case 'config-get':
      return answer(KEA_RESULT.success, undefined, { Dhcp4: dhcp4Config(settings) });
  }
}

function everyCommand(): string[] {
  return [...new Set([...HA_COMMANDS, ...LEASE_COMMANDS, ...SERVER_COMMANDS, 'dhcp4-query'])].sort();
}

function buildReport(): string {
  return [
    ' ',
    '        haco peer build report',
    '     -=-=-=-=-=-=-=-=-=-=-=-=-=-=-',
    ' ',
    ' Package:',
    '   Name:              haco',
    `   Version:           ${HACO_VERSION}`,
    `   Kea compatibility: ${KEA_VERSION} (control channel, HA hooks library)`,
    ` Runtime:             Node ${process.versions.node}`,
    '',
  ].join('\n');
}

/** The peer's configuration as Kea's `Dhcp4` map: its subnet, pool and lifetime, and the HA hook's. */
function dhcp4Config(settings: PeerSettings): Record<string, unknown> {
  const { leases } = settings;
  return {
    'valid-lifetime': leases.validLifetime,
    'lease-database': { type: 'memfile', persist: leases.store === 'sqlite' },
    subnet4: [
      {
        id: leases.subnetId,
        pools: [{ pool: `${leases.pool.first}-${leases.pool.last}` }],
        'valid-lifetime': leases.validLifetime,
      },
    ],
    'hooks-libraries': [
      { library: 'libdhcp_lease_cmds.so' },
      { library: 'libdhcp_ha.so', parameters: { 'high-availability': [haParameters(settings.ha)] } },
    ],
  };
}

/** HaConfig back in Kea's names. Passwords are left out: unlike Kea 2.2, a peer does not give secrets away. */
function haParameters(ha: HaConfig): Record<string, unknown> {
  return {
    'this-server-name': ha.thisServerName,
    mode: ha.mode,
    'send-lease-updates': ha.sendLeaseUpdates,
    'sync-leases': ha.syncLeases,
    'sync-timeout': ha.syncTimeoutMs,
    'sync-page-limit': ha.syncPageLimit,
    'delayed-updates-limit': ha.delayedUpdatesLimit,
    'heartbeat-delay': ha.heartbeatDelayMs,
    'max-response-delay': ha.maxResponseDelayMs,
    'max-ack-delay': ha.maxAckDelayMs,
    'max-unacked-clients': ha.maxUnackedClients,
    'wait-backup-ack': ha.waitBackupAck,
    'require-client-certs': ha.requireClientCerts,
    'restrict-commands': ha.restrictCommands,
    ...tls(ha),
    'multi-threading': {
      'enable-multi-threading': ha.multiThreading.enableMultiThreading,
      'http-dedicated-listener': ha.multiThreading.httpDedicatedListener,
      'http-listener-threads': ha.multiThreading.httpListenerThreads,
      'http-client-threads': ha.multiThreading.httpClientThreads,
    },
    'state-machine': {
      states: Object.entries(ha.pausing).map(([state, pause]) => ({ state, pause })),
    },
    peers: ha.peers.map(peerParameters),
  };
}

function peerParameters(peer: PeerConfig): Record<string, unknown> {
  return {
    name: peer.name,
    url: peer.url,
    role: peer.role,
    'auto-failover': peer.autoFailover,
    ...(peer.basicAuth === undefined ? {} : { 'basic-auth-user': peer.basicAuth.user }),
    ...tls(peer),
  };
}

function tls(from: { trustAnchor?: string; certFile?: string; keyFile?: string }): Record<string, string> {
  return {
    ...(from.trustAnchor === undefined ? {} : { 'trust-anchor': from.trustAnchor }),
    ...(from.certFile === undefined ? {} : { 'cert-file': from.certFile }),
    ...(from.keyFile === undefined ? {} : { 'key-file': from.keyFile }),
  };
}
