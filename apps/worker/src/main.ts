import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@remedy/config';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // SIGTERM/SIGINT: runners finish the batch in flight and store their checkpoint, workers
  // finish or release their jobs, then connections close.
  // Then exit 0 (useProcessExit; Nest would otherwise re-raise the signal).
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  logger.log({ msg: 'worker started', deployment: config.deployment });
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
