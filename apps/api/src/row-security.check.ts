import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertRowSecurityEnforced } from '@remedy/database';

/**
 * Start-up refusal (issue 4): the API's reads switch to the application role (row-level security
 * applies to it); if that role bypasses RLS (superuser, BYPASSRLS) or the login cannot switch to
 * it, the API does not start. The default `postgres` login bypasses RLS: hence the switch.
 */
@Injectable()
export class RowSecurityCheck implements OnApplicationBootstrap {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await assertRowSecurityEnforced(this.dataSource);
  }
}
