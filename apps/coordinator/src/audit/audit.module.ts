import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { ChainController } from './chain.controller';
import { LiveController } from './live.controller';
import { ReportController } from './report.controller';

/**
 * The audit side: filtered history, exports, replay and hash-chain verification, incident reports and the
 * live stream.
 */
@Module({ controllers: [AuditController, ChainController, LiveController, ReportController] })
export class AuditModule {}
