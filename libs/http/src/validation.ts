import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { textDefects } from './input';

function flatten(errors: ValidationError[], parent = ''): { field: string; reason: string }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([name, text]) => ({
      field,
      // class-validator messages name the property, never the value.
      reason: name === 'whitelistValidation' ? 'unknown field' : text,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

function invalid(fields: { field: string; reason: string }[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Invalid input: ${fields.map((f) => `${f.field} (${f.reason})`).join('; ')}`,
    fields,
  });
}

/**
 * The project's validation: first every string of the body and the query (values and keys, at
 * any depth) must be well-formed text without NUL or control characters (`textDefects`), for
 * every route and DTO, before any transformation, storage or encryption; then class-validator
 * with whitelist + forbidNonWhitelisted. A 400 naming each field and the reason, never the value.
 */
class RemedyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const defects = textDefects(value);
      if (defects.length) throw invalid(defects);
    }
    return super.transform(value, metadata);
  }
}

/** whitelist + forbidNonWhitelisted, after the text check; a 400 naming each field and the reason. */
export function createValidationPipe(): ValidationPipe {
  return new RemedyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalid(flatten(errors)),
  });
}
