import { startupSnapshot } from 'node:v8';
import { nuid } from '@nats-io/transport-node';
import { readPeerSettings } from './config/peer-config';
import { exitWith, runPeer } from './run-peer';

/**
 * The entry point of the peer's startup snapshot (dist/peer/main.blob, `npm run build`): Node runs this
 * module once at build time and saves the heap, so a peer started with `node --snapshot-blob
 * dist/peer/main.blob -- --config FILE` skips loading and initialising its modules, most of its start-up
 * (docs/operations.md). Whatever a module computed at load is then the build's, the same in every process,
 * so haco's own modules compute per-process values (pid, host, run id) on first use, never at load. The
 * NATS client's unique-id generator seeds itself on first use too (3.x); it is seeded again here all the
 * same, so that a release that seeds it at load cannot give every peer the same inboxes.
 */
startupSnapshot.addDeserializeCallback(() => nuid.reset());

/**
 * A file validated once at build time: zod compiles a schema's parser on its first use, and what it
 * compiled here is in the snapshot, so a peer's own file is validated without compiling it again.
 */
readPeerSettings({
  cluster: 'snapshot',
  'data-dir': '/var/lib/haco/snapshot',
  nats: { servers: ['nats://127.0.0.1:4222'] },
  'high-availability': [
    {
      'this-server-name': 'server1',
      mode: 'load-balancing',
      peers: [
        { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
        { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
      ],
    },
  ],
});

startupSnapshot.setDeserializeMainFunction(() => {
  void runPeer(userArguments(process.argv)).then(exitWith);
});

/**
 * Node 24 gives a snapshot's main function [node, ...arguments after `--`]; later versions insert argv[0]
 * again as argv[1], as for a script.
 */
function userArguments(argv: readonly string[]): string[] {
  return argv[1] === argv[0] ? argv.slice(2) : argv.slice(1);
}
