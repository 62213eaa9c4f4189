import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { LiveController } from './live.controller';

/** The audit side: filtered history, exports, replay verification and the live event stream. */
@Module({ controllers: [AuditController, LiveController] })
export class AuditModule {}
