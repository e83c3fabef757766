import { Module } from '@nestjs/common';
import { RULE_TITLES } from '@remedy/http';
import { CodeListsController } from './code-lists.controller';
import { RULE_TITLES_FROM_CATALOGUES } from './code-lists';

/**
 * `GET /code-lists` and `GET /code-lists/:name` (no state: the lists and catalogues are data),
 * and the titles of refusals (422) in the caller's language for the app's exception filter.
 */
@Module({
  controllers: [CodeListsController],
  providers: [{ provide: RULE_TITLES, useValue: RULE_TITLES_FROM_CATALOGUES }],
})
export class CodeListsModule {}
