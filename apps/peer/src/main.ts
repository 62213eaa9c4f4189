import { exitWith, runPeer } from './run-peer';

/** `node dist/peer/main.js` (and tsx while developing): a peer started by loading its bundle. */
void runPeer(process.argv.slice(2)).then(exitWith);
