import { CommunicationTracker } from '../src';
import {
  analyseQuery,
  communicationView,
  effectiveSecs,
  poke,
  startTracking,
} from '../src/observe/communication';
import { haConfig } from './support';

const config = haConfig('load-balancing', 'primary', {
  'max-response-delay': 60000,
  'max-ack-delay': 10000,
  'max-unacked-clients': 2,
});
const query = (hw: string, secs: number, messageType = 'DISCOVER') => ({ messageType, hwAddress: hw, secs });

describe('failure detection (spec 1.5)', () => {
  it('is ok up to max-response-delay after the last successful heartbeat, interrupted beyond', () => {
    const t = startTracking(0);
    expect(communicationView(t, 60000, config).status).toBe('ok');
    expect(communicationView(t, 60001, config)).toMatchObject({ status: 'interrupted', ageSeconds: 60 });
    expect(communicationView(poke(t, 60001), 60002, config).status).toBe('ok');
  });

  it('counts distinct unacked clients only while interrupted, and fails past max-unacked-clients', () => {
    let t = startTracking(0);
    t = analyseQuery(t, query('aa:01', 30), 1000, config);
    expect(t.analyzedPackets).toBe(0);
    const at = 70000;
    t = analyseQuery(t, query('aa:01', 11), at, config);
    t = analyseQuery(t, query('aa:01', 2), at, config);
    t = analyseQuery(t, query('aa:02', 5), at, config);
    t = analyseQuery(t, query('aa:03', 20, 'OFFER'), at, config);
    expect(communicationView(t, at, config)).toEqual({
      status: 'interrupted',
      ageSeconds: 70,
      connectingClients: 2,
      unackedClients: 1,
      analyzedPackets: 3,
    });
    t = analyseQuery(t, query('aa:04', 11, 'REQUEST'), at, config);
    t = analyseQuery(t, query('aa:05', 11, 'RELEASE'), at, config);
    expect(communicationView(t, at, config).status).toBe('failed');
    expect(communicationView(poke(t, at), at + 1, config)).toMatchObject({
      status: 'ok',
      connectingClients: 0,
    });
  });

  it('treats an interruption as failure when max-unacked-clients is 0', () => {
    const zero = haConfig('load-balancing', 'primary', { 'max-unacked-clients': 0 });
    expect(communicationView(startTracking(0), 60001, zero).status).toBe('failed');
  });

  it.each([
    [10, 10],
    [255, 255],
    [256, 1],
    [0x0a00, 10],
    [0x0a01, 0x0a01],
  ])('reads secs %p as %p', (secs, expected) => expect(effectiveSecs(secs)).toBe(expected));
});

describe('the CommunicationTracker the apps keep', () => {
  it('gives the same views as the tally it wraps, and never changes in place', () => {
    const started = CommunicationTracker.startedAt(0);
    const seen = started.queryNotServed(query('aa:01', 11), 70_000, config);
    expect(seen.view(70_000, config)).toEqual(
      communicationView(analyseQuery(startTracking(0), query('aa:01', 11), 70_000, config), 70_000, config),
    );
    expect(started.view(70_000, config).connectingClients).toBe(0);
    expect(seen.partnerAnswered(70_001).view(70_002, config).status).toBe('ok');
  });
});
