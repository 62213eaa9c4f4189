import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import type { Logger } from '@haco/common';
import { LOGGER, SETTINGS } from '../common/tokens';
import type { CoordinatorSettings } from './coordinator-config';

/** The settings (read and validated before the app is built) and the process's logger, for every module. */
@Global()
@Module({})
export class ConfigModule {
  static register(settings: CoordinatorSettings, log: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: log },
      ],
      exports: [SETTINGS, LOGGER],
    };
  }
}
