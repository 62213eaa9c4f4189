import { z } from 'zod';

/**
 * Query-string fields, as text in and typed out, each refused with the API's own wording. Used in the
 * routes' schemas (Nest validates them with its Standard Schema pipe).
 */
export const isoTime = (name: string) =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), { error: `'${name}' must be an ISO 8601 time` });

export const isoTimeMs = (name: string) => isoTime(name).transform((value) => Date.parse(value));

export const integerIn = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return fallback;
      const n = Number(value);
      if (value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `'${name}' must be an integer from ${min} to ${max}` });
      return z.NEVER;
    });
