import { Module } from '@nestjs/common';
import { DisputesController } from './disputes.controller';

/** Streams whose places are claimed twice: shown, and settled by an admin. */
@Module({ controllers: [DisputesController] })
export class DisputesModule {}
