import { HttpException } from '@nestjs/common';

/** A failing answer whose body is a report to read as it is (health's 503), not an error body. */
export class ReportException extends HttpException {
  constructor(report: Record<string, unknown>, status: number) {
    super(report, status);
  }
}
