import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { LiveController } from './live.controller';
import { ReportController } from './report.controller';

/** The audit side: filtered history, exports, replay verification, incident reports and the live stream. */
@Module({ controllers: [AuditController, LiveController, ReportController] })
export class AuditModule {}
