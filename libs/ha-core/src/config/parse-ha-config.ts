import type { HaState } from '../states';
import { CONFIGURABLE_STATE_NAMES, isHaState } from '../states';
import { HaConfigError } from './config-error';
import { isJsonMap, JsonMapReader, UINT16_MAX, UINT32_MAX } from './json-reader';
import { peerUrlError } from './peer-url';
import type { HaConfig, HaMode, MultiThreadingConfig, PauseMode, PeerConfig, PeerRole } from './types';
import { HA_MODES, PAUSE_MODES, PEER_ROLES } from './types';

/*
 * Longer than 250 lines because it reproduces Kea's parser check by check, in Kea's order and with
 * Kea's texts, one field after another.
 */
/**
 * Parses and validates a Kea 2.2.0 `high-availability` value (a list with exactly one relationship),
 * checking in Kea's own order so that the first error reported is the one Kea reports.
 * Throws HaConfigError; a configuration is accepted whole or not at all.
 */
export function parseHaConfig(value: unknown): HaConfig {
  if (!Array.isArray(value)) throw new HaConfigError('HA configuration must be a list', '');
  if (value.length !== 1) {
    throw new HaConfigError(
      'invalid number of configurations in the HA configuration list. Expected exactly one configuration',
      '',
    );
  }
  const relationship: unknown = value[0];
  if (!isJsonMap(relationship)) {
    throw new HaConfigError('expected list of maps in the HA configuration', '[0]');
  }
  return parseRelationship(new JsonMapReader(relationship, '[0]'));
}

function parseRelationship(r: JsonMapReader): HaConfig {
  const mode = oneOf<HaMode>(r, 'mode', HA_MODES, (v) => `unsupported value '${v}' for mode parameter`);
  if (!r.has('peers')) r.fail("'peers' parameter missing in HA configuration", 'peers');
  const peersValue = r.raw('peers');
  if (!Array.isArray(peersValue)) r.fail("'peers' parameter must be a list", 'peers');
  const statesValue = stateMachineStates(r);

  const thisServerName = r.string('this-server-name').trim();
  if (thisServerName.length === 0) r.fail("'this-server-name' value must not be empty", 'this-server-name');

  const sendLeaseUpdates = r.boolean('send-lease-updates', true);
  const syncLeases = r.boolean('sync-leases', true);
  const syncTimeoutMs = r.boundedInteger('sync-timeout', 60000, UINT32_MAX);
  const syncPageLimit = r.boundedInteger('sync-page-limit', 10000, UINT32_MAX);
  const delayedUpdatesLimit = r.boundedInteger(
    'delayed-updates-limit',
    mode === 'load-balancing' ? 100 : 0,
    UINT32_MAX,
  );
  const heartbeatDelayMs = r.boundedInteger('heartbeat-delay', 10000, UINT16_MAX);
  const maxResponseDelayMs = r.boundedInteger('max-response-delay', 60000, UINT16_MAX);
  const maxAckDelayMs = r.boundedInteger('max-ack-delay', 10000, UINT16_MAX);
  const maxUnackedClients = r.boundedInteger('max-unacked-clients', 10, UINT32_MAX);
  const waitBackupAck = r.boolean('wait-backup-ack', false);
  const multiThreading = parseMultiThreading(r);
  const trustAnchor = r.optionalString('trust-anchor');
  const certFile = r.optionalString('cert-file');
  const keyFile = r.optionalString('key-file');
  const requireClientCerts = r.boolean('require-client-certs', true);
  const restrictCommands = r.boolean('restrict-commands', false);

  const peers = parsePeers(peersValue as unknown[], r.path);
  const pausing = parsePausing(statesValue, r.path);

  const config: HaConfig = {
    thisServerName,
    mode,
    sendLeaseUpdates,
    syncLeases,
    syncTimeoutMs,
    syncPageLimit,
    delayedUpdatesLimit,
    heartbeatDelayMs,
    maxResponseDelayMs,
    maxAckDelayMs,
    maxUnackedClients,
    waitBackupAck,
    requireClientCerts,
    restrictCommands,
    trustAnchor,
    certFile,
    keyFile,
    multiThreading,
    pausing,
    peers,
  };
  validateRelationship(config, r.path);
  return config;
}

function oneOf<T extends string>(
  r: JsonMapReader,
  name: string,
  allowed: readonly T[],
  unsupported: (value: string) => string,
): T {
  const value = r.string(name);
  if (!(allowed as readonly string[]).includes(value)) r.fail(unsupported(value), name);
  return value as T;
}

function stateMachineStates(r: JsonMapReader): unknown[] | undefined {
  if (!r.has('state-machine')) return undefined;
  const stateMachine = r.raw('state-machine');
  if (!isJsonMap(stateMachine)) r.fail("'state-machine' parameter must be a map", 'state-machine');
  const states = stateMachine['states'];
  if (states === undefined) return undefined;
  if (!Array.isArray(states)) r.fail("'states' parameter must be a list", 'state-machine.states');
  return states;
}

function parseMultiThreading(r: JsonMapReader): MultiThreadingConfig {
  const value = r.has('multi-threading') ? r.raw('multi-threading') : {};
  if (!isJsonMap(value)) r.fail('multi-threading configuration must be a map', 'multi-threading');
  const mt = new JsonMapReader(value, `${r.path}.multi-threading`);
  return {
    enableMultiThreading: mt.boolean('enable-multi-threading', false),
    httpDedicatedListener: mt.boolean('http-dedicated-listener', false),
    httpListenerThreads: mt.boundedInteger('http-listener-threads', 0, UINT32_MAX),
    httpClientThreads: mt.boundedInteger('http-client-threads', 0, UINT32_MAX),
  };
}

function parsePeers(values: readonly unknown[], path: string): PeerConfig[] {
  const peers: PeerConfig[] = [];
  values.forEach((value, index) => {
    const peerPath = `${path}.peers[${index}]`;
    if (!isJsonMap(value)) throw new HaConfigError('peer configuration must be a map', peerPath);
    const p = new JsonMapReader(value, peerPath);
    const rawName = p.string('name');
    if (peers.some((known) => known.name === rawName)) {
      p.fail(`peer with name '${rawName}' already specified`, 'name');
    }
    const name = rawName.trim();
    if (name.length === 0) p.fail('peer name must not be empty', 'name');
    const url = p.string('url');
    const trustAnchor = p.optionalString('trust-anchor');
    const certFile = p.optionalString('cert-file');
    const keyFile = p.optionalString('key-file');
    const role = oneOf<PeerRole>(p, 'role', PEER_ROLES, (v) => `unsupported value '${v}' for role parameter`);
    const autoFailover = p.boolean('auto-failover', true);
    const password = p.optionalString('basic-auth-password');
    const passwordFile = p.optionalString('basic-auth-password-file');
    const user = p.optionalString('basic-auth-user');
    if (password !== undefined && passwordFile !== undefined) {
      p.fail(
        `only one of basic-auth-password and basic-auth-password-file parameter can be configured in peer '${name}'`,
        'basic-auth-password-file',
      );
    }
    if (user !== undefined && user.includes(':')) {
      p.fail(`user '${user}' must not contain a ':' in peer '${name}'`, 'basic-auth-user');
    }
    const basicAuth = user ? { user, password, passwordFile } : undefined;
    peers.push({ name, url, role, autoFailover, basicAuth, trustAnchor, certFile, keyFile });
  });
  // Kea keeps peers in a map ordered by name; "the first other peer" means the first in that order.
  return peers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function parsePausing(states: unknown[] | undefined, path: string): Partial<Record<HaState, PauseMode>> {
  const pausing: Partial<Record<HaState, PauseMode>> = {};
  const seen = new Set<string>();
  (states ?? []).forEach((value, index) => {
    const statePath = `${path}.state-machine.states[${index}]`;
    if (!isJsonMap(value)) throw new HaConfigError('state configuration must be a map', statePath);
    const s = new JsonMapReader(value, statePath);
    const name = s.string('state');
    if (!CONFIGURABLE_STATE_NAMES.includes(name)) s.fail(`unknown state ${name}`, 'state');
    if (seen.has(name)) s.fail(`duplicated configuration for the '${name}' state`, 'state');
    seen.add(name);
    const pause = s.has('pause') ? s.string('pause') : 'never';
    if (!(PAUSE_MODES as readonly string[]).includes(pause)) {
      s.fail(`unsupported value ${pause} of 'pause' parameter`, 'pause');
    }
    // 'unavailable' is accepted but is never a local state, so it can never pause.
    if (isHaState(name) && pause !== 'never') pausing[name] = pause as PauseMode;
  });
  return pausing;
}

function validateRelationship(config: HaConfig, path: string): void {
  const fail = (text: string, field = ''): never => {
    throw new HaConfigError(text, `${path}${field}`);
  };
  if (!config.peers.some((p) => p.name === config.thisServerName)) {
    fail(`no peer configuration specified for the '${config.thisServerName}'`, '.this-server-name');
  }
  for (const peer of config.peers) {
    const tls = tlsSettings(config, peer);
    if (tls.length > 0 && tls.length < 3) {
      fail(
        `bad TLS config for server ${peer.name}: 'trust-anchor', 'cert-file' and 'key-file' must be all set or none`,
        '.peers',
      );
    }
    const urlError = peerUrlError(peer.url, peer.name, tls.length === 3);
    if (urlError !== null) fail(urlError, '.peers');
  }
  const count = (role: PeerRole): number => config.peers.filter((p) => p.role === role).length;
  for (const role of ['primary', 'secondary', 'standby'] as const) {
    if (count(role) > 1) fail(`multiple ${role} servers specified`, '.peers');
  }
  const need = (role: PeerRole, modeText: string): void => {
    if (count(role) === 0) fail(`${role} server required in the ${modeText} configuration`, '.peers');
  };
  const forbid = (role: PeerRole, modeText: string): void => {
    if (count(role) > 0) fail(`${role} servers not allowed in the ${modeText} configuration`, '.peers');
  };
  switch (config.mode) {
    case 'load-balancing':
      forbid('standby', 'load balancing');
      need('secondary', 'load balancing');
      need('primary', 'load balancing');
      if (config.waitBackupAck) {
        fail(
          "'wait-backup-ack' must be set to false in the load balancing configuration",
          '.wait-backup-ack',
        );
      }
      return;
    case 'hot-standby':
      forbid('secondary', 'hot standby');
      need('standby', 'hot standby');
      need('primary', 'hot standby');
      if (config.waitBackupAck) {
        fail("'wait-backup-ack' must be set to false in the hot standby configuration", '.wait-backup-ack');
      }
      if (config.delayedUpdatesLimit > 0) {
        fail(
          "'delayed-updates-limit' must be set to 0 in the hot standby configuration",
          '.delayed-updates-limit',
        );
      }
      return;
    case 'passive-backup':
      forbid('secondary', 'passive backup');
      forbid('standby', 'passive backup');
      need('primary', 'passive backup');
      if (config.delayedUpdatesLimit > 0) {
        fail(
          "'delayed-updates-limit' must be set to 0 in the passive backup configuration",
          '.delayed-updates-limit',
        );
      }
      return;
  }
}

function tlsSettings(config: HaConfig, peer: PeerConfig): string[] {
  return [
    peer.trustAnchor ?? config.trustAnchor,
    peer.certFile ?? config.certFile,
    peer.keyFile ?? config.keyFile,
  ].filter((v): v is string => v !== undefined);
}
