import { HaConfigError } from './config-error';

/** A JSON object as it arrives from a parsed configuration file. */
export type JsonMap = { readonly [key: string]: unknown };

export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads typed parameters out of one configuration map with Kea's generic parser texts
 * ("missing parameter ...", "invalid type specified for parameter ..."), remembering where the map is.
 */
export class JsonMapReader {
  constructor(
    readonly map: JsonMap,
    readonly path: string,
  ) {}

  has(name: string): boolean {
    return this.map[name] !== undefined;
  }

  raw(name: string): unknown {
    return this.map[name];
  }

  fail(text: string, field?: string): never {
    throw new HaConfigError(text, field === undefined ? this.path : `${this.path}.${field}`);
  }

  string(name: string): string {
    const value = this.required(name);
    if (typeof value !== 'string') this.wrongType(name);
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    if (!this.has(name)) return fallback;
    const value = this.map[name];
    if (typeof value !== 'boolean') this.wrongType(name);
    return value;
  }

  /** Kea's getAndValidateInteger: an integer between 0 and `max`, else its exact texts. */
  boundedInteger(name: string, fallback: number, max: number): number {
    if (!this.has(name)) return fallback;
    const value = this.map[name];
    if (typeof value !== 'number' || !Number.isInteger(value)) this.wrongType(name);
    if (value < 0) this.fail(`'${name}' must not be negative`, name);
    if (value > max) this.fail(`'${name}' must not be greater than ${max}`, name);
    return value;
  }

  private required(name: string): unknown {
    if (!this.has(name)) this.fail(`missing parameter '${name}' (${this.position()})`, name);
    return this.map[name];
  }

  private wrongType(name: string): never {
    return this.fail(`invalid type specified for parameter '${name}' (${this.position()})`, name);
  }

  private position(): string {
    return `high-availability${this.path}`;
  }
}

export const UINT16_MAX = 65535;
export const UINT32_MAX = 4294967295;
