import type { Effect, HaEvent, HaMachineState } from '../src';
import { effectsOf, HaService } from '../src';
import { haConfig } from './support';

const started = (settings: Record<string, unknown> = {}) => {
  const service = new HaService();
  const before = service.state;
  const events = service.handle({
    type: 'start',
    at: 0,
    config: haConfig('load-balancing', 'primary', settings),
  });
  return { service, before, events };
};

const decide = (service: HaService, input: Parameters<HaService['handle']>[0]) => {
  const before: HaMachineState | null = service.state;
  const events: HaEvent[] = service.handle(input);
  return effectsOf(before, events);
};

const kinds = (effects: readonly Effect[]) => effects.map((e) => e.kind);

describe('effectsOf: what a peer must do, read off the events', () => {
  it('arms the heartbeat when a service starts one', () => {
    const { before, events } = started({ 'heartbeat-delay': 1500 });
    expect(effectsOf(before, events)).toEqual([{ kind: 'arm-heartbeat', delayMs: 1500 }]);
  });

  it('re-arms it after every heartbeat, answered or failed', () => {
    const { service } = started();
    const effects = decide(service, {
      type: 'heartbeat-completed',
      at: 10,
      result: { ok: false, reason: 'Connection refused' },
    });
    expect(effects).toContainEqual({ kind: 'arm-heartbeat', delayMs: 10_000 });
  });

  it('answers every command, and does nothing else for a read-only one', () => {
    const { service } = started();
    const effects = decide(service, {
      type: 'command',
      at: 10,
      commandId: 'c1',
      request: { command: 'status-get' },
    });
    expect(kinds(effects)).toEqual(['answer-command']);
    expect(effects[0]).toMatchObject({ commandId: 'c1', response: { result: 0 } });
  });

  it('schedules the DHCP re-enable of a dhcp-disable with max-period, and dhcp-enable cancels it', () => {
    const { service } = started();
    const disable = decide(service, {
      type: 'command',
      at: 10,
      commandId: 'c1',
      request: { command: 'dhcp-disable', arguments: { 'max-period': 30 } },
    });
    expect(disable).toContainEqual({ kind: 'schedule-dhcp-reenable', afterMs: 30_000 });
    const enable = decide(service, {
      type: 'command',
      at: 11,
      commandId: 'c2',
      request: { command: 'dhcp-enable' },
    });
    expect(kinds(enable)).toEqual(['cancel-dhcp-reenable', 'answer-command']);
  });

  it('schedules no re-enable when the dhcp-disable was refused', () => {
    const { service } = started();
    const effects = decide(service, {
      type: 'command',
      at: 10,
      commandId: 'c1',
      request: { command: 'dhcp-disable', arguments: { 'max-period': 0 } },
    });
    expect(kinds(effects)).toEqual(['answer-command']);
  });

  it('asks for the partner call the machine waits for (syncing pulls the leases)', () => {
    const { service } = started();
    // The partner answers: it is ready, so waiting moves on to syncing, which waits for a lease sync.
    const effects = decide(service, {
      type: 'heartbeat-completed',
      at: 10,
      result: { ok: true, partnerState: 'ready', scopes: [], unsentUpdateCount: 0, clockSkewSeconds: 0 },
    });
    const call = effects.find((e) => e.kind === 'call-partner');
    expect(call).toMatchObject({ kind: 'call-partner', call: { kind: 'lease-sync', serverName: 'server2' } });
    expect(service.state?.pendingCall?.call.kind).toBe('lease-sync');
  });

  it('cancels the heartbeat when the machine stops it (terminated)', () => {
    const { service } = started({ 'max-ack-delay': 10_000 });
    const effects = decide(service, {
      type: 'heartbeat-completed',
      at: 10,
      // A clock skew over 60 s terminates the service and stops its heartbeat.
      result: { ok: true, partnerState: 'waiting', scopes: [], unsentUpdateCount: 0, clockSkewSeconds: 120 },
    });
    expect(service.state?.state).toBe('terminated');
    expect(kinds(effects)).toContain('cancel-heartbeat');
    expect(kinds(effects)).not.toContain('arm-heartbeat');
  });
});
