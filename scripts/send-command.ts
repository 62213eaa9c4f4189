import { connect } from '@nats-io/transport-node';
import { commandSubject } from '@haco/contracts';

/**
 * `npm run --silent haco-cmd -- [--nats URL] [--cluster NAME] PEER JSON`: sends one Kea control-channel
 * command to a peer over NATS and prints its answer. (The full operator CLI comes with the coordinator.)
 */
async function main(argv: string[]): Promise<number> {
  const option = (name: string, fallback: string) => {
    const index = argv.indexOf(name);
    if (index < 0) return fallback;
    const [value] = argv.splice(index, 2).slice(1);
    return value ?? fallback;
  };
  const nats = option('--nats', process.env.HACO_NATS_URL ?? 'nats://127.0.0.1:4222');
  const cluster = option('--cluster', process.env.HACO_CLUSTER ?? 'local');
  const [peer, json] = argv;
  if (peer === undefined || json === undefined) {
    process.stderr.write(
      'usage: npm run --silent haco-cmd -- [--nats URL] [--cluster NAME] PEER \'{"command": "status-get"}\'\n',
    );
    return 2;
  }
  try {
    JSON.parse(json);
  } catch (error) {
    process.stderr.write(`haco-cmd: the command is not JSON: ${(error as Error).message}\n`);
    return 2;
  }
  const nc = await connect({ servers: nats, timeout: 3_000 }).catch((error: Error) => {
    process.stderr.write(`haco-cmd: cannot reach NATS at ${nats}: ${error.message}\n`);
    return null;
  });
  if (nc === null) return 1;
  try {
    const reply = await nc.request(commandSubject(cluster, peer), json, { timeout: 15_000 });
    process.stdout.write(`${new TextDecoder().decode(reply.data)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`haco-cmd: ${peer} did not answer: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await nc.close();
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
