import { BadRequestException, StandardSchemaValidationPipe } from '@nestjs/common';

/**
 * Every route parameter that declares a `schema` (zod) is validated by Nest's Standard Schema pipe; a
 * refusal is a 400 with the first problem's own text, in the API's one error body.
 */
export function schemaValidation(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) => new BadRequestException(issues[0]?.message ?? 'invalid request'),
  });
}
