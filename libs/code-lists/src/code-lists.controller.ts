import { Controller, Get, Headers, NotFoundException, Param, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Policy } from '@remedy/access-policy';
import type { LabelLanguage } from './catalogue';
import { CODE_LIST_NAMES, isCodeListName, labelledCodeList, reviewStatusOf } from './code-lists';
import { CodeListResponse, CodeListsResponse, LanguageQuery } from './dto';
import { chooseLanguage } from './language';
import { problem } from '@remedy/http';

const ACCEPT_LANGUAGE = {
  name: 'Accept-Language',
  required: false,
  description: 'Preferred languages (RFC 9110); ?lang= takes precedence; English by default',
};

/** The answer's language in its headers; caches keep one answer per Accept-Language. */
function answerIn(reply: FastifyReply, language: LabelLanguage): void {
  void reply.header('content-language', language);
  void reply.header('vary', 'Accept-Language');
}

/** The routes of this controller (`METHOD /template`), e.g. for the rapporteurs' scope. */
export const CODE_LIST_ROUTES = ['GET /code-lists', 'GET /code-lists/:name'] as const;

/** The code lists with their labels in the caller's language: public to every authenticated role. */
@ApiTags('code-lists')
@ApiBearerAuth()
@Controller('code-lists')
export class CodeListsController {
  @Get()
  @Policy('read', 'CodeList')
  @ApiOperation({
    summary:
      'Every code list with its labels in Arabic, Chinese, English, French, Russian or Spanish (Accept-Language or ?lang=; English by default)',
  })
  @ApiHeader(ACCEPT_LANGUAGE)
  @ApiOkResponse({ type: CodeListsResponse })
  all(
    @Query() query: LanguageQuery,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): CodeListsResponse {
    const language = chooseLanguage(query.lang, acceptLanguage);
    answerIn(reply, language);
    return {
      language,
      review: reviewStatusOf(language),
      lists: CODE_LIST_NAMES.map((name) => {
        const list = labelledCodeList(name, language);
        return { name, source: list.source, codes: [...list.codes] };
      }),
    };
  }

  @Get(':name')
  @Policy('read', 'CodeList')
  @ApiOperation({ summary: 'One code list by name, with its labels in the caller’s language' })
  @ApiHeader(ACCEPT_LANGUAGE)
  @ApiOkResponse({ type: CodeListResponse })
  @ApiNotFoundResponse({ description: 'No code list of that name' })
  one(
    @Param('name') name: string,
    @Query() query: LanguageQuery,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): CodeListResponse {
    if (!isCodeListName(name)) throw new NotFoundException(problem(404, 'No such code list'));
    const language = chooseLanguage(query.lang, acceptLanguage);
    answerIn(reply, language);
    const list = labelledCodeList(name, language);
    return {
      language,
      review: reviewStatusOf(language),
      name,
      source: list.source,
      codes: [...list.codes],
    };
  }
}
