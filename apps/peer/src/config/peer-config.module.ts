import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { PEER_SETTINGS } from '../ports/tokens';
import type { PeerSettings } from './peer-config';
import { readPeerSettings } from './peer-config';

/**
 * A peer's settings through @nestjs/config: its file validated as a whole at boot (the HA relationship by
 * Kea's own rules and texts, the rest by its zod schema), then served as one typed object. `register`
 * rejects with the field's path when a setting is refused, before anything connects.
 */
@Module({})
export class PeerConfigModule {
  static async register(
    file: unknown,
  ): Promise<{ readonly module: DynamicModule; readonly settings: PeerSettings }> {
    let settings: PeerSettings | null = null;
    const config = await ConfigModule.forRoot({
      ignoreEnvFile: true,
      validate: () => ({ peer: (settings = readPeerSettings(file)) }),
    });
    if (settings === null) throw new Error('the peer configuration was not validated');
    return {
      settings,
      module: {
        module: PeerConfigModule,
        imports: [config],
        providers: [
          {
            provide: PEER_SETTINGS,
            useFactory: (service: ConfigService): PeerSettings => service.getOrThrow<PeerSettings>('peer'),
            inject: [ConfigService],
          },
        ],
        exports: [PEER_SETTINGS],
      },
    };
  }
}
