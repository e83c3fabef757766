import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { textDefects } from './input';
import { invalidInput, type ProblemField } from './problem';

function flatten(errors: ValidationError[], parent = ''): ProblemField[] {
  return errors.flatMap((e) => {
    const name = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([constraint, text]) => ({
      name,
      // class-validator messages name the property, never the value.
      reason: constraint === 'whitelistValidation' ? 'unknown field' : text,
    }));
    return [...own, ...flatten(e.children ?? [], name)];
  });
}

const invalid = (fields: readonly ProblemField[]) => new BadRequestException(invalidInput(fields));

/**
 * The project's validation: first every string of the body and the query (values and keys, at
 * any depth) must be well-formed text without NUL or control characters (`textDefects`), for
 * every route and DTO, before any transformation, storage or encryption; then class-validator
 * with whitelist + forbidNonWhitelisted. A 400 naming each field and the reason, never the value.
 */
class RemedyValidationPipe extends ValidationPipe {
  /**
   * class-validator's rules of each DTO class, for Nest's look for binary values in nested
   * objects: kept for the pipe's life instead of one request (a class's rules are fixed once its
   * decorators ran; class-validator's lookup filters every rule of every class, ~2 % of a
   * command's CPU).
   */
  private readonly rulesOfClass = new Map<unknown, unknown[]>();

  protected override findNestedBinaryValues(
    object: unknown,
    metadataCache = this.rulesOfClass,
  ): ValidationError[] {
    return super.findNestedBinaryValues(object, metadataCache);
  }

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
