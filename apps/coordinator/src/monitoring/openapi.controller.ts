import { Controller, Get } from '@nestjs/common';
import openapi from '../../openapi.json';
import { Access } from '../common/access.decorator';

/** The committed OpenAPI document of this API (apps/coordinator/openapi.json). */
@Controller()
@Access('public')
export class OpenApiController {
  @Get('openapi.json')
  document() {
    return openapi;
  }
}
