import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { loadConfig, ConfigError } from '@remedy/config';
import { createHttpApp } from '@remedy/http';
import { ApiModule } from './api.module';
import { serveConsole } from './console/serve-console';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createHttpApp(ApiModule);
  const logger = app.get(Logger);
  app.useLogger(logger);
  // The web console at / (when built): dist/web, its own CSP; without it the API serves alone.
  await serveConsole(app, {
    issuer: config.oidc?.issuer ?? config.identity.embeddedIssuer,
    publicUrl: config.identity.publicUrl,
  });
  await app.listen({ port: config.port, host: process.env.HOST ?? '0.0.0.0' });
  logger.log({ msg: 'api listening', port: config.port, deployment: config.deployment });
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
