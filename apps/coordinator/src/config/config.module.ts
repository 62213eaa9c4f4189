import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { SETTINGS } from './settings.token';
import type { CoordinatorSettings } from './coordinator-config';
import { readCoordinatorSettings } from './coordinator-config';

/**
 * The coordinator's settings through @nestjs/config: read from `--config FILE` and the environment and
 * validated as a whole by its schema at boot (a refused setting stops the process before anything
 * starts), then served to every module as one typed object.
 */
@Global()
@Module({})
export class ConfigModule {
  /** Rejects, naming the field, when a setting is refused. */
  static async register(argv: readonly string[]): Promise<DynamicModule> {
    const config = await NestConfigModule.forRoot({
      ignoreEnvFile: true,
      validate: (environment) => ({ ...readCoordinatorSettings(argv, environment) }),
    });
    return {
      module: ConfigModule,
      imports: [config],
      providers: [
        {
          provide: SETTINGS,
          useFactory: (config: ConfigService): CoordinatorSettings => ({
            nats: config.getOrThrow('nats'),
            database: config.getOrThrow('database'),
            http: config.getOrThrow('http'),
            auth: config.getOrThrow('auth'),
            retention: config.getOrThrow('retention'),
            logLevel: config.get('logLevel'),
          }),
          inject: [ConfigService],
        },
      ],
      exports: [SETTINGS],
    };
  }
}
