import type { CommunicationView, HaConfig, HaState, KeaResponse } from '@haco/ha-core';
import { HA_STATES, parseHaConfig } from '@haco/ha-core';

/** What a Kea 2.2 server's status-get says of its HA relationship. */
export interface KeaHaStatus {
  readonly state: HaState;
  readonly scopes: readonly string[];
  /** The partner's state as this server last heard it, when it has; null before it heard anything. */
  readonly partnerState: HaState | null;
  readonly partnerScopes: readonly string[];
  /** Kea's failover progress (failure detection, spec 1.5) as `remote` reports it. */
  readonly communication: CommunicationView;
}

type Json = Record<string, unknown>;
const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isState = (value: unknown): value is HaState => (HA_STATES as readonly unknown[]).includes(value);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];

/** The HA part of a status-get answer, or a reason it has none. */
export function haStatusOf(answer: KeaResponse): KeaHaStatus | string {
  if (answer.result !== 0) return `status-get answered ${answer.result}: ${answer.text ?? ''}`;
  const ha = isMap(answer.arguments) ? answer.arguments['high-availability'] : undefined;
  const first = Array.isArray(ha) && isMap(ha[0]) ? ha[0] : null;
  const servers = first !== null && isMap(first['ha-servers']) ? first['ha-servers'] : null;
  const local = servers !== null && isMap(servers['local']) ? servers['local'] : null;
  if (local === null || !isState(local['state']))
    return 'status-get has no HA section: is the HA hook loaded?';
  const remote = servers !== null && isMap(servers['remote']) ? servers['remote'] : {};
  return {
    state: local['state'],
    scopes: strings(local['scopes']),
    partnerState: isState(remote['last-state']) ? remote['last-state'] : null,
    partnerScopes: strings(remote['last-scopes']),
    communication: communicationOf(remote),
  };
}

/** The HA relationship a config-get answer configures (the HA hook's parameters), or a reason. */
export function haConfigOf(answer: KeaResponse): HaConfig | string {
  if (answer.result !== 0) return `config-get answered ${answer.result}: ${answer.text ?? ''}`;
  const dhcp4 =
    isMap(answer.arguments) && isMap(answer.arguments['Dhcp4']) ? answer.arguments['Dhcp4'] : null;
  const hooks = dhcp4 !== null && Array.isArray(dhcp4['hooks-libraries']) ? dhcp4['hooks-libraries'] : [];
  const hook = hooks.find((h): h is Json => isMap(h) && String(h['library']).endsWith('libdhcp_ha.so'));
  const parameters = hook !== undefined && isMap(hook['parameters']) ? hook['parameters'] : null;
  if (parameters === null) return 'config-get shows no HA hook library';
  try {
    return parseHaConfig(parameters['high-availability']);
  } catch (error) {
    return `the HA configuration does not read: ${(error as Error).message}`;
  }
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** `remote`'s failure detection: interrupted, and failed once no more unacked clients are allowed. */
function communicationOf(remote: Json): CommunicationView {
  const interrupted = remote['communication-interrupted'] === true;
  const failed = interrupted && remote['unacked-clients-left'] === 0;
  return {
    status: failed ? 'failed' : interrupted ? 'interrupted' : 'ok',
    ageSeconds: count(remote['age']),
    connectingClients: count(remote['connecting-clients']),
    unackedClients: count(remote['unacked-clients']),
    analyzedPackets: count(remote['analyzed-packets']),
  };
}
