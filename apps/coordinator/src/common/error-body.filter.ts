import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Inject, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@haco/common';
import { ReportException } from './report.exception';
import { LOGGER } from './tokens';

/** Every HTTP error in one body; an unexpected failure is a 500 and a log line. */
abstract class ErrorBodyFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  protected abstract body(text: string): Record<string, unknown>;

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof ReportException) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    if (isHttpException(exception)) {
      response.status(exception.getStatus()).json(this.body(textOf(exception)));
      return;
    }
    this.log.error('request failed', { path: request.path, error: (exception as Error)?.message });
    response.status(500).json(this.body(`internal error: ${(exception as Error)?.message}`));
  }
}

/** The API's error body, `{"error"}`: every route that does not declare another. */
@Catch()
export class ApiErrorBodyFilter extends ErrorBodyFilter {
  protected body(text: string): Record<string, unknown> {
    return { error: text };
  }
}

/** Kea's error body, `{"result": 1, "text"}`, as a Kea control channel's successes are shaped. */
@Catch()
export class KeaErrorBodyFilter extends ErrorBodyFilter {
  protected body(text: string): Record<string, unknown> {
    return { result: 1, text };
  }
}

/** A route that speaks Kea's control-channel protocol declares it, and its errors answer in Kea's shape. */
export const SpeaksKea = (): MethodDecorator & ClassDecorator => UseFilters(KeaErrorBodyFilter);

/**
 * An HttpException by shape, not by class: Nest's platform raises some (a path parameter that does not
 * decode is its BadRequestException) from its own copy of @nestjs/common, which `instanceof` misses.
 */
function isHttpException(exception: unknown): exception is HttpException {
  const candidate = exception as Partial<HttpException> | null;
  return (
    exception instanceof HttpException ||
    (typeof candidate?.getStatus === 'function' && typeof candidate.getResponse === 'function')
  );
}

function textOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const fields = body as { text?: unknown; error?: unknown; message?: unknown };
  for (const value of [fields.text, fields.message, fields.error]) {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.join('; ');
  }
  return exception.message;
}
