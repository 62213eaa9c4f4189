import { Module } from '@nestjs/common';
import { PeersController } from './peers.controller';

/** The fleet as the log tells it: clusters, peers, a peer's view and history, gaps, dead letters. */
@Module({ controllers: [PeersController] })
export class PeersModule {}
