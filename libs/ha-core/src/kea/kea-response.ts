/** Kea control-channel answer: result 0 success, 1 error, 2 unsupported, 3 empty; 1001 maintenance refused. */
export interface KeaResponse {
  readonly result: number;
  readonly text?: string;
  readonly arguments?: unknown;
}

export const KEA_RESULT = {
  success: 0,
  error: 1,
  unsupported: 2,
  empty: 3,
  maintenanceNotAllowed: 1001,
} as const;

export function answer(result: number, text?: string, args?: unknown): KeaResponse {
  const response: { result: number; text?: string; arguments?: unknown } = { result };
  if (text !== undefined) response.text = text;
  if (args !== undefined) response.arguments = args;
  return response;
}
