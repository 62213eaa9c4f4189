import { Controller, Get } from '@nestjs/common';
import openapi from '../../openapi.json';

/** The committed OpenAPI document of this API (apps/coordinator/openapi.json). */
@Controller()
export class OpenApiController {
  @Get('openapi.json')
  document() {
    return openapi;
  }
}
