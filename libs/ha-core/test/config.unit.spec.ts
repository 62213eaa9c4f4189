import { HaConfigError, parseHaConfig } from '../src';

/*
 * Longer than 250 lines because it is a table of Kea's configuration errors, one case a row.
 */
const peers = [
  { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
  { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
];
const relationship = (extra: Record<string, unknown> = {}) => ({
  'this-server-name': 'server1',
  mode: 'load-balancing',
  peers,
  ...extra,
});
const withStates = (states: unknown) => [relationship({ 'state-machine': { states } })];

function errorOf(value: unknown): string | null {
  try {
    parseHaConfig(value);
    return null;
  } catch (error) {
    if (!(error instanceof HaConfigError)) throw error;
    return error.keaText;
  }
}

describe('Kea 2.2.0 defaults (spec 6)', () => {
  it('fills every parameter', () => {
    const config = parseHaConfig([relationship()]);
    expect(config).toMatchObject({
      sendLeaseUpdates: true,
      syncLeases: true,
      syncTimeoutMs: 60000,
      syncPageLimit: 10000,
      delayedUpdatesLimit: 100,
      heartbeatDelayMs: 10000,
      maxResponseDelayMs: 60000,
      maxAckDelayMs: 10000,
      maxUnackedClients: 10,
      waitBackupAck: false,
      requireClientCerts: true,
      restrictCommands: false,
      multiThreading: {
        enableMultiThreading: false,
        httpDedicatedListener: false,
        httpListenerThreads: 0,
        httpClientThreads: 0,
      },
      pausing: {},
    });
    expect(config.peers.map((p) => p.autoFailover)).toEqual([true, true]);
  });

  it('defaults delayed-updates-limit to 0 outside load-balancing', () => {
    const hs = parseHaConfig([
      relationship({ mode: 'hot-standby', peers: [peers[0], { ...peers[1], role: 'standby' }] }),
    ]);
    expect(hs.delayedUpdatesLimit).toBe(0);
  });

  it('keeps only pausing states, and accepts unavailable without effect', () => {
    const config = parseHaConfig(
      withStates([
        { state: 'waiting', pause: 'once' },
        { state: 'ready', pause: 'always' },
        { state: 'partner-down', pause: 'never' },
        { state: 'unavailable', pause: 'always' },
        { state: 'syncing' },
      ]),
    );
    expect(config.pausing).toEqual({ waiting: 'once', ready: 'always' });
  });

  it('trims this-server-name and orders peers by name', () => {
    const config = parseHaConfig([
      relationship({ 'this-server-name': '  server1 ', peers: [peers[1], peers[0]] }),
    ]);
    expect(config.thisServerName).toBe('server1');
    expect(config.peers.map((p) => p.name)).toEqual(['server1', 'server2']);
  });
});

describe('refused configurations, with Kea 2.2.0 texts (spec 4.2, 6)', () => {
  const cases: [string, unknown, string][] = [
    ['not a list', relationship(), 'HA configuration must be a list'],
    [
      'two relationships',
      [relationship(), relationship()],
      'invalid number of configurations in the HA configuration list. Expected exactly one configuration',
    ],
    [
      'empty list',
      [],
      'invalid number of configurations in the HA configuration list. Expected exactly one configuration',
    ],
    ['relationship not a map', [7], 'expected list of maps in the HA configuration'],
    ['no mode', [{ 'this-server-name': 'server1', peers }], "missing parameter 'mode'"],
    [
      'bad mode',
      [relationship({ mode: 'active-active' })],
      "unsupported value 'active-active' for mode parameter",
    ],
    [
      'no peers',
      [{ 'this-server-name': 'server1', mode: 'load-balancing' }],
      "'peers' parameter missing in HA configuration",
    ],
    ['peers not a list', [relationship({ peers: {} })], "'peers' parameter must be a list"],
    [
      'state-machine list',
      [relationship({ 'state-machine': [{ state: 'waiting', pause: 'always' }] })],
      "'state-machine' parameter must be a map",
    ],
    [
      'states not a list',
      [relationship({ 'state-machine': { states: {} } })],
      "'states' parameter must be a list",
    ],
    ['state entry not a map', withStates(['waiting']), 'state configuration must be a map'],
    ['state missing', withStates([{ pause: 'always' }]), "missing parameter 'state'"],
    ['state not a string', withStates([{ state: 5 }]), "invalid type specified for parameter 'state'"],
    [
      'pause not a string',
      withStates([{ state: 'waiting', pause: true }]),
      "invalid type specified for parameter 'pause'",
    ],
    ['unknown state', withStates([{ state: 'foo', pause: 'always' }]), 'unknown state foo'],
    ['state case matters', withStates([{ state: 'Waiting', pause: 'always' }]), 'unknown state Waiting'],
    [
      'bad pause',
      withStates([{ state: 'waiting', pause: 'foo' }]),
      "unsupported value foo of 'pause' parameter",
    ],
    [
      'pause case matters',
      withStates([{ state: 'waiting', pause: 'Always' }]),
      "unsupported value Always of 'pause' parameter",
    ],
    [
      'duplicate state',
      withStates([{ state: 'waiting', pause: 'once' }, { state: 'waiting' }]),
      "duplicated configuration for the 'waiting' state",
    ],
    [
      'empty this-server-name',
      [relationship({ 'this-server-name': ' ' })],
      "'this-server-name' value must not be empty",
    ],
    [
      'unknown this server',
      [relationship({ 'this-server-name': 'server9' })],
      "no peer configuration specified for the 'server9'",
    ],
    ['negative timeout', [relationship({ 'sync-timeout': -1 })], "'sync-timeout' must not be negative"],
    [
      'heartbeat-delay over uint16',
      [relationship({ 'heartbeat-delay': 65536 })],
      "'heartbeat-delay' must not be greater than 65535",
    ],
    [
      'max-response-delay over uint16',
      [relationship({ 'max-response-delay': 70000 })],
      "'max-response-delay' must not be greater than 65535",
    ],
    [
      'bool as string',
      [relationship({ 'sync-leases': 'yes' })],
      "invalid type specified for parameter 'sync-leases'",
    ],
    [
      'real as integer',
      [relationship({ 'max-unacked-clients': 1.5 })],
      "invalid type specified for parameter 'max-unacked-clients'",
    ],
    ['peer not a map', [relationship({ peers: ['server1'] })], 'peer configuration must be a map'],
    [
      'empty peer name',
      [relationship({ peers: [{ ...peers[0], name: ' ' }, peers[1]] })],
      'peer name must not be empty',
    ],
    [
      'duplicate peer',
      [relationship({ peers: [peers[0], peers[0]] })],
      "peer with name 'server1' already specified",
    ],
    [
      'bad role',
      [relationship({ peers: [peers[0], { ...peers[1], role: 'tertiary' }] })],
      "unsupported value 'tertiary' for role parameter",
    ],
    [
      'colon in user',
      [relationship({ peers: [peers[0], { ...peers[1], 'basic-auth-user': 'foo:bar' }] })],
      "user 'foo:bar' must not contain a ':' in peer 'server2'",
    ],
    [
      'host name url',
      [relationship({ peers: [peers[0], { ...peers[1], url: 'http://localhost:8002/' }] })],
      "bad url 'http://localhost:8002/': Failed to convert string to address 'localhost': Invalid argument for server server2",
    ],
    [
      'https without TLS',
      [relationship({ peers: [peers[0], { ...peers[1], url: 'https://127.0.0.1:8002/' }] })],
      "bad url 'https://127.0.0.1:8002/': https scheme is not supported for server server2 where TLS is disabled",
    ],
    [
      'not a url',
      [relationship({ peers: [peers[0], { ...peers[1], url: '127.0.0.1:8002' }] })],
      'invalid URL: ',
    ],
    [
      'two primaries',
      [relationship({ peers: [peers[0], { ...peers[1], role: 'primary' }] })],
      'multiple primary servers specified',
    ],
    [
      'lb without secondary',
      [relationship({ peers: [peers[0], { ...peers[1], role: 'backup' }] })],
      'secondary server required in the load balancing configuration',
    ],
    [
      'lb with standby',
      [relationship({ peers: [peers[0], { ...peers[1], role: 'standby' }] })],
      'standby servers not allowed in the load balancing configuration',
    ],
    [
      'hs with secondary',
      [relationship({ mode: 'hot-standby' })],
      'secondary servers not allowed in the hot standby configuration',
    ],
    [
      'hs delayed updates',
      [
        relationship({
          mode: 'hot-standby',
          'delayed-updates-limit': 10,
          peers: [peers[0], { ...peers[1], role: 'standby' }],
        }),
      ],
      "'delayed-updates-limit' must be set to 0 in the hot standby configuration",
    ],
    [
      'lb wait-backup-ack',
      [relationship({ 'wait-backup-ack': true })],
      "'wait-backup-ack' must be set to false in the load balancing configuration",
    ],
    [
      'pb with secondary',
      [relationship({ mode: 'passive-backup' })],
      'secondary servers not allowed in the passive backup configuration',
    ],
    [
      'pb without primary',
      [
        relationship({
          mode: 'passive-backup',
          'this-server-name': 'server2',
          peers: [
            { ...peers[0], role: 'backup' },
            { ...peers[1], role: 'backup' },
          ],
        }),
      ],
      'primary server required in the passive backup configuration',
    ],
  ];

  it.each(cases)('%s', (_label, value, text) => {
    expect(errorOf(value)).toContain(text);
  });

  it('reports the first error in Kea\u2019s parse order (peers before states)', () => {
    const value = [
      relationship({
        peers: [peers[0], { ...peers[1], role: 'x' }],
        'state-machine': { states: [{ state: 'foo' }] },
      }),
    ];
    expect(errorOf(value)).toBe("unsupported value 'x' for role parameter");
  });

  it('says where the offending field is', () => {
    try {
      parseHaConfig(withStates([{ state: 'waiting' }, { state: 'ready', pause: 'sometimes' }]));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(HaConfigError);
      expect((error as HaConfigError).path).toBe('[0].state-machine.states[1].pause');
      expect((error as HaConfigError).describe()).toBe(
        "unsupported value sometimes of 'pause' parameter (at high-availability[0].state-machine.states[1].pause)",
      );
    }
  });

  it('accepts passive-backup with only backups besides the primary', () => {
    expect(
      errorOf([relationship({ mode: 'passive-backup', peers: [peers[0], { ...peers[1], role: 'backup' }] })]),
    ).toBeNull();
  });
});

describe('peer URLs as Kea 2.2.0 reads them', () => {
  const withUrl = (url: string) => [relationship({ peers: [peers[0], { ...peers[1], url }] })];
  it.each<[string, string | null]>([
    ['http://127.0.0.1:8002/', null],
    ['http://[2001:db8::1]:8002/', null],
    ['http://127.0.0.1', null],
    ['127.0.0.1:8002', 'invalid URL: invalid scheme 127.0.0.1 in 127.0.0.1:8002 for server server2'],
    ['server2', 'invalid URL: url server2 lacks http or https scheme for server server2'],
    ['ftp://127.0.0.1/', 'invalid URL: invalid scheme ftp in ftp://127.0.0.1/ for server server2'],
    ['http:/127.0.0.1/', 'invalid URL: expected :// after scheme in http:/127.0.0.1/ for server server2'],
    ['http://', 'invalid URL: hostname missing in http:// for server server2'],
    [
      'http://[2001:db8::1',
      'invalid URL: expected ] after IPv6 address in http://[2001:db8::1 for server server2',
    ],
    ['http://[]:80/', 'invalid URL: expected IPv6 address within [] in http://[]:80/ for server server2'],
    [
      'http://127.0.0.1:',
      'invalid URL: expected port number after : in http://127.0.0.1: for server server2',
    ],
    [
      'http://127.0.0.1:http/',
      'invalid URL: invalid port number http in http://127.0.0.1:http/ for server server2',
    ],
    [
      'http://example.org:8002/',
      "bad url 'http://example.org:8002/': Failed to convert string to address 'example.org': Invalid argument for server server2",
    ],
  ])('%s', (url, text) => {
    expect(errorOf(withUrl(url))).toBe(text);
  });
});
