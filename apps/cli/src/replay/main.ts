import { replay } from './replay';

/** `npm run replay -- ...`: the replay CLI on its own (bin/haco replay is the same). */
void replay(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
