import { Module } from '@nestjs/common';
import { PlatformModule } from '@remedy/platform';
import { ALL_PROJECTIONS } from '@remedy/read-models';

/** The background process: projection runners and queue processors, no HTTP. */
@Module({
  imports: [PlatformModule.forRoot({ projections: ALL_PROJECTIONS, runProjections: true })],
})
export class WorkerModule {}
