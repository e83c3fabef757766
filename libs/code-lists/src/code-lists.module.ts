import { Module } from '@nestjs/common';
import { CodeListsController } from './code-lists.controller';

/** `GET /code-lists` and `GET /code-lists/:name` (no state: the lists and catalogues are data). */
@Module({ controllers: [CodeListsController] })
export class CodeListsModule {}
