/** A minimal valid load-balancing relationship seen from server1, as peer configuration files carry it. */
export const LOAD_BALANCING_RELATIONSHIP = {
  'this-server-name': 'server1',
  mode: 'load-balancing',
  peers: [
    { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
    { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
  ],
};
