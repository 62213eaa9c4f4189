import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

/** The parts of an OpenAPI 3 document the API document test reads. */
export interface ApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly schemas?: Record<string, unknown> };
}

interface Operation {
  readonly responses?: Record<string, { readonly content?: Record<string, { readonly schema?: unknown }> }>;
}

/** `METHOD /path` for every operation of the document, sorted. */
export function routesOf(doc: ApiDocument): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/**
 * Checks an answer against the document: its status must be documented for the operation, and its JSON
 * body must fit the documented schema. Returns the problems (none when it fits).
 */
export function answerChecker(doc: ApiDocument) {
  // OpenAPI 3.0 schemas: `nullable` is a keyword of theirs, which Ajv knows; other vocabulary is ignored.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ components: doc.components ?? {} }, 'doc');
  const compiled = new Map<string, ValidateFunction>();
  return (method: string, path: string, status: number, body: unknown): string[] => {
    const operation = doc.paths[path]?.[method];
    if (operation === undefined) return [`${method.toUpperCase()} ${path} is not in the document`];
    const documented = operation.responses?.[String(status)];
    if (documented === undefined)
      return [`${method.toUpperCase()} ${path} answered ${status}, which is undocumented`];
    const schema = documented.content?.['application/json']?.schema;
    if (schema === undefined) return [`${method.toUpperCase()} ${path} ${status} has no JSON schema`];
    const key = `${method} ${path} ${status}`;
    let validate = compiled.get(key);
    if (validate === undefined) {
      // References point into the document's components: resolve them against the document itself.
      validate = ajv.compile(
        JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"doc#/components')),
      );
      compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) =>
      `${key}: ${e.instancePath || '(body)'} ${e.message ?? ''}`.trim(),
    );
  };
}
