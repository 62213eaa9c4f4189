import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';

/**
 * The operator's console at /ui: the page and its assets, built from apps/console into dist/console
 * (`npm run build:console`; HACO_CONSOLE_DIR points elsewhere). A static page: the data it shows comes
 * from the API, under the API's own token rules.
 */
@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: process.env.HACO_CONSOLE_DIR ?? join(process.cwd(), 'dist', 'console'),
      serveRoot: '/ui',
    }),
  ],
})
export class ConsoleModule {}
