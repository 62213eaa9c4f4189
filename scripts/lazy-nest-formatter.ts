import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';

/** Nest's two logger modules each build one at load. */
const LOGGERS = /@nestjs[\\/]common[\\/]services[\\/](console-logger|logger)\.service\.js$/;
const FORMATTER = /const dateTimeFormatter = (new Intl\.DateTimeFormat\([\s\S]*?\}\));/;

/**
 * Nest's Logger and ConsoleLogger modules each build an Intl.DateTimeFormat when they are loaded, and the
 * first one a process builds loads ICU's locale data: 15 to 25 ms of a peer's start (a tenth of it, in a CPU
 * profile), for loggers a peer never uses (its logs are JSON lines from @haco/common). This makes that formatter on its
 * first use instead. No option or library does it: the module's top level runs whenever @nestjs/common is
 * loaded. The build fails if Nest's source no longer has the line, so that a Nest upgrade looks again.
 */
export const lazyNestFormatter: Plugin = {
  name: 'lazy-nest-date-formatter',
  setup(build) {
    build.onLoad({ filter: LOGGERS }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (!FORMATTER.test(source))
        throw new Error(`${path}: no "const dateTimeFormatter = new Intl.DateTimeFormat(…)" to make lazy`);
      return {
        contents: source.replace(
          FORMATTER,
          'let lazyDateTimeFormatter;\n' +
            'const dateTimeFormatter = { format: (value) => (lazyDateTimeFormatter ??= $1).format(value) };',
        ),
        loader: 'js',
      };
    });
  },
};
