import { Module } from '@nestjs/common';
import { IngestController } from './ingest.controller';
import { IngestStats } from './ingest-stats';

/** Peers' events from JetStream into the store (the transport is JetStreamIngestServer, see main.ts). */
@Module({ controllers: [IngestController], providers: [IngestStats], exports: [IngestStats] })
export class IngestModule {}
