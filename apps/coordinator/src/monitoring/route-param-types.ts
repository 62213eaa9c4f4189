import type { INestApplication } from '@nestjs/common';
import { PARAMTYPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

interface RouteArg {
  readonly index: number;
  readonly schema?: unknown;
}

/**
 * @nestjs/swagger documents a route's parameters only when TypeScript emitted their design types, and the
 * coordinator runs under tsx and from esbuild bundles, which emit none: every operation came out with
 * `"parameters": []` and no body. While the document is generated, this gives each route's arguments the
 * types swagger needs (a zod schema's own for `@Query({ schema })` and `@Body({ schema })`, which swagger
 * turns into parameters and bodies through zod's JSON Schema output; text for a named path or query
 * parameter), then takes them away again so that request handling never sees them. No library fills this
 * gap: swagger's plugin needs the TypeScript compiler, which the bundles do not use.
 */
export function withRouteParamTypes<T>(app: INestApplication, generate: () => T): T {
  const declared: [object, string][] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.values()) {
      const type = controller.metatype as (new (...args: never[]) => unknown) | null;
      if (type === null) continue;
      for (const method of Object.getOwnPropertyNames(type.prototype)) {
        const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, type, method) as
          Record<string, RouteArg> | undefined;
        if (args === undefined || Reflect.hasOwnMetadata(PARAMTYPES_METADATA, type.prototype, method))
          continue;
        const byIndex = new Map(Object.values(args).map((arg) => [arg.index, arg]));
        const count = Math.max(...byIndex.keys()) + 1;
        const types = Array.from({ length: count }, (_, i) =>
          byIndex.get(i)?.schema === undefined ? String : Object,
        );
        Reflect.defineMetadata(PARAMTYPES_METADATA, types, type.prototype, method);
        declared.push([type.prototype, method]);
      }
    }
  }
  try {
    return generate();
  } finally {
    for (const [prototype, method] of declared)
      Reflect.deleteMetadata(PARAMTYPES_METADATA, prototype, method);
  }
}
