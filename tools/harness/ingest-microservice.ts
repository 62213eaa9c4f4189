import type { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { NestJsonLogger, silentLogger } from '@haco/common';
import { JetStreamIngestServer } from '@haco/nats';

/**
 * `module` as a Nest microservice on the coordinator's JetStream ingest transport, listening: how the
 * tests and the bench run an ingest handler of their own against a real nats-server.
 */
export async function startIngestMicroservice(
  module: Type,
  nc: NatsConnection,
  log: Logger = silentLogger,
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, {
    strategy: new JetStreamIngestServer(nc, { replicas: 1, log }),
    logger: new NestJsonLogger(log),
    // A wiring fault throws here, where the caller cleans up, instead of exiting the process.
    abortOnError: false,
  });
  await app.listen();
  return app;
}
