import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A test CA and certificates it signed, each a PEM file (keys 0600). */
export interface TestCertificates {
  readonly dir: string;
  readonly ca: string;
  readonly caKey: string;
  /** A certificate for 127.0.0.1 and localhost, good for a server and for a client. */
  readonly cert: string;
  readonly key: string;
}

const OPENSSL = process.env.OPENSSL_BIN ?? 'openssl';

/**
 * Makes a CA and a certificate it signs with Debian's openssl, in `dir`: what the TLS tests and the main
 * job's `--tls` use. P-256 keys, which Kea 2.2 (OpenSSL), nats-server and Node all take. `name` sets the
 * files' names, so that several certificates (another CA, a client) can share a directory.
 */
export function makeCertificates(
  dir: string,
  name = 'haco',
  ca?: { ca: string; caKey: string },
): TestCertificates {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (suffix: string) => join(dir, `${name}-${suffix}`);
  const run = (args: string[]) => execFileSync(OPENSSL, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  let authority = ca;
  if (authority === undefined) {
    authority = { ca: file('ca.pem'), caKey: file('ca.key') };
    run([
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      authority.caKey,
      '-out',
      authority.ca,
      '-days',
      '3650',
      '-subj',
      `/CN=${name} test CA`,
    ]);
  }
  const csr = file('cert.csr');
  const extensions = file('cert.ext');
  writeFileSync(
    extensions,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n',
  );
  run(['req', ...ecKey, '-keyout', file('cert.key'), '-out', csr, '-subj', '/CN=localhost']);
  run([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    authority.ca,
    '-CAkey',
    authority.caKey,
    '-CAcreateserial',
    '-out',
    file('cert.pem'),
    '-days',
    '825',
    '-extfile',
    extensions,
  ]);
  for (const key of [authority.caKey, file('cert.key')]) chmodSync(key, 0o600);
  return { dir, ca: authority.ca, caKey: authority.caKey, cert: file('cert.pem'), key: file('cert.key') };
}
