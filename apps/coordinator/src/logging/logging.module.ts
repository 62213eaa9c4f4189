import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type pino from 'pino';
import type { Logger } from '@haco/common';
import { fromPino } from '@haco/common';
import { LOGGER } from '../common/tokens';

/** The header a request's correlation id comes in on (or is answered with, when the caller sent none). */
const CORRELATION_HEADER = 'x-request-id';

/**
 * One JSON logger for the coordinator (pino through nestjs-pino): every line a request causes carries its
 * correlation id, taken from `X-Request-Id` or made up and sent back in it.
 */
@Global()
@Module({})
export class LoggingModule {
  static register(root: pino.Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: root,
            autoLogging: false,
            quietReqLogger: true,
            customAttributeKeys: { reqId: 'correlationId' },
            genReqId: (req: IncomingMessage, res: ServerResponse) => {
              const given = req.headers[CORRELATION_HEADER];
              const id = typeof given === 'string' && given.length > 0 ? given : randomUUID();
              res.setHeader(CORRELATION_HEADER, id);
              return id;
            },
          },
        }),
      ],
      providers: [
        {
          provide: LOGGER,
          // Each line goes to the logger of the request it is written in, if any.
          useFactory: (pinoLogger: PinoLogger): Logger => requestAware(pinoLogger),
          inject: [PinoLogger],
        },
      ],
      exports: [LOGGER],
    };
  }
}

function requestAware(pinoLogger: PinoLogger, fields: Record<string, unknown> = {}): Logger {
  const bound = Object.keys(fields).length > 0;
  const current = () => (bound ? fromPino(pinoLogger.logger.child(fields)) : fromPino(pinoLogger.logger));
  return {
    debug: (message, extra) => current().debug(message, extra),
    info: (message, extra) => current().info(message, extra),
    warn: (message, extra) => current().warn(message, extra),
    error: (message, extra) => current().error(message, extra),
    child: (more) => requestAware(pinoLogger, { ...fields, ...more }),
  };
}
