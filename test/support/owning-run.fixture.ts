import { endOwnedOnSignal, OwnedProcess } from '../../tools/harness/processes';

/** A run that owns one long-lived child and waits; prints the child's pid. For the processes spec. */
endOwnedOnSignal();
const child = OwnedProcess.start('sleep', ['300']);
process.stdout.write(`${child.pid}\n`);
setInterval(() => undefined, 60_000);
