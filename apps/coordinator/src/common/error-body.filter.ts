import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@haco/common';
import { errorBody } from './error-body';
import { ReportException } from './report.exception';
import { LOGGER } from './tokens';

/** Every HTTP error in the API's one error body; an unexpected failure is a 500 and a log line. */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

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
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json(errorBody(request, textOf(exception)));
      return;
    }
    this.log.error('request failed', { path: request.path, error: (exception as Error)?.message });
    response.status(500).json(errorBody(request, `internal error: ${(exception as Error)?.message}`));
  }
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
