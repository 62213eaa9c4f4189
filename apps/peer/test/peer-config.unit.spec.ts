import { PeerConfigError } from '../src/config/peer-config-error';
import { readPeerSettings } from '../src/config/peer-config';
import { LOAD_BALANCING_RELATIONSHIP } from '../../../test/support/fixtures';

const relationship = LOAD_BALANCING_RELATIONSHIP;

function refusal(raw: unknown): PeerConfigError {
  try {
    readPeerSettings(raw);
  } catch (error) {
    if (error instanceof PeerConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('peer configuration files', () => {
  it('reads the haco form with defaults', () => {
    const settings = readPeerSettings({ cluster: 'lab', 'high-availability': [relationship] });
    expect(settings.cluster).toBe('lab');
    expect(settings.nats).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(settings.leases).toEqual({
      store: 'memory',
      pool: { first: '192.0.2.10', last: '192.0.2.250' },
      subnetId: 1,
      validLifetime: 3600,
    });
    expect(settings.dataDir).toBe('data/lab/server1');
    expect(settings.ha.thisServerName).toBe('server1');
  });

  it('reads a whole Kea Dhcp4 configuration carrying the HA hook parameters', () => {
    const settings = readPeerSettings({
      cluster: 'lab',
      nats: { servers: ['nats://127.0.0.1:4333'], user: 'peer', pass: 'secret' },
      leases: { store: 'sqlite', path: '/tmp/leases.sqlite', pool: '10.0.0.1 - 10.0.0.9' },
      Dhcp4: {
        'valid-lifetime': 4000,
        subnet4: [{ id: 7, subnet: '10.0.0.0/24' }],
        'hooks-libraries': [
          { library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so' },
          {
            library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_ha.so',
            parameters: { 'high-availability': [relationship] },
          },
        ],
      },
    });
    expect(settings.ha.mode).toBe('load-balancing');
    expect(settings.nats.user).toBe('peer');
    expect(settings.leases).toEqual({
      store: 'sqlite',
      path: '/tmp/leases.sqlite',
      pool: { first: '10.0.0.1', last: '10.0.0.9' },
      subnetId: 7,
      validLifetime: 4000,
    });
  });

  it('names the partners that are real Kea servers (none by default)', () => {
    expect(readPeerSettings({ 'high-availability': [relationship] }).keaPartners).toEqual([]);
    const paired = readPeerSettings({ 'high-availability': [relationship], 'kea-partners': ['server2'] });
    expect(paired.keaPartners).toEqual(['server2']);
    expect(refusal({ 'high-availability': [relationship], 'kea-partners': ['server9'] })).toMatchObject({
      reason: "'server9' is not a partner in the relationship",
      path: 'kea-partners.0',
    });
    expect(refusal({ 'high-availability': [relationship], 'kea-partners': ['server1'] })).toMatchObject({
      reason: "'server1' is not a partner in the relationship",
    });
    // Kea's parser takes an https:// url once TLS is configured, and so does haco's HTTP channel.
    const tls = {
      'trust-anchor': '/etc/kea/ca.pem',
      'cert-file': '/etc/kea/c.pem',
      'key-file': '/etc/kea/k.pem',
    };
    const https = {
      ...relationship,
      ...tls,
      peers: [relationship.peers[0], { ...relationship.peers[1], url: 'https://127.0.0.1:8002/' }],
    };
    expect(
      readPeerSettings({ 'high-availability': [https], 'kea-partners': ['server2'] }).keaPartners,
    ).toEqual(['server2']);
    const ftp = {
      ...relationship,
      peers: [relationship.peers[0], { ...relationship.peers[1], url: 'ftp://127.0.0.1:8002/' }],
    };
    expect(refusal({ 'high-availability': [ftp], 'kea-partners': ['server2'] })).toMatchObject({
      reason: expect.stringMatching(/url|URL/),
    });
    expect(refusal({ 'high-availability': [relationship], 'kea-partners': 'server2' })).toMatchObject({
      reason: "'kea-partners' must be a list of peer names",
    });
  });

  it('takes the lease lifetime and subnet from the leases map over the Kea defaults', () => {
    const settings = readPeerSettings({
      leases: { 'valid-lifetime': 600, 'subnet-id': 3 },
      'high-availability': [relationship],
    });
    expect(settings.leases).toMatchObject({ store: 'memory', subnetId: 3, validLifetime: 600 });
  });

  it.each<[string, unknown, string, string]>([
    ['not an object', [], 'the configuration must be a JSON object', ''],
    ['no HA at all', { cluster: 'lab' }, "no 'high-availability' list", ''],
    [
      "Kea's own error with the path",
      {
        'high-availability': [
          { ...relationship, 'state-machine': { states: [{ state: 'waiting', pause: 'sometimes' }] } },
        ],
      },
      "unsupported value sometimes of 'pause' parameter",
      'high-availability[0].state-machine.states[0].pause',
    ],
    [
      'the path inside a Dhcp4 configuration',
      {
        Dhcp4: {
          'hooks-libraries': [
            {
              library: 'libdhcp_ha.so',
              parameters: { 'high-availability': [{ ...relationship, mode: 'x' }] },
            },
          ],
        },
      },
      "unsupported value 'x' for mode parameter",
      'Dhcp4.hooks-libraries[0].parameters.high-availability[0].mode',
    ],
    [
      'no HA hook',
      { Dhcp4: { 'hooks-libraries': [] } },
      'no libdhcp_ha.so hook library is configured',
      'Dhcp4.hooks-libraries',
    ],
    [
      'a dotted cluster',
      { cluster: 'a.b', 'high-availability': [relationship] },
      "'cluster' must be",
      'cluster',
    ],
    [
      'user without pass',
      { nats: { user: 'u' }, 'high-availability': [relationship] },
      "'user' and 'pass' go together",
      'nats',
    ],
    [
      'empty servers',
      { nats: { servers: [] }, 'high-availability': [relationship] },
      "'servers' must be",
      'nats.servers',
    ],
    [
      'sqlite without path',
      { leases: { store: 'sqlite' }, 'high-availability': [relationship] },
      "needs a 'path'",
      'leases.path',
    ],
    [
      'a misspelled top-level key',
      { clustr: 'lab', 'high-availability': [relationship] },
      'unknown setting clustr',
      '',
    ],
    [
      'a misspelled key in a section',
      { nats: { server: ['nats://127.0.0.1:4222'] }, 'high-availability': [relationship] },
      'unknown setting server',
      'nats',
    ],
    [
      'servers as a string',
      { nats: { servers: 'nats://127.0.0.1:4222' }, 'high-availability': [relationship] },
      "'servers' must be a non-empty list of NATS URLs",
      'nats.servers',
    ],
    [
      'a lifetime that is not a positive integer',
      { leases: { 'valid-lifetime': 0 }, 'high-availability': [relationship] },
      "'valid-lifetime' must be a positive integer",
      'leases.valid-lifetime',
    ],
    [
      'an unknown store',
      { leases: { store: 'redis' }, 'high-availability': [relationship] },
      'unsupported lease store',
      'leases.store',
    ],
  ])('refuses %s', (_label, raw, reason, path) => {
    const error = refusal(raw);
    expect(error.reason).toContain(reason);
    expect(error.path).toBe(path);
  });
});
