/** The coordinator's API as the console uses it: same origin, the operator's token from session storage. */
const TOKEN_KEY = 'haco-token';

export const token = {
  get: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
};

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

function headers(json: boolean): Record<string, string> {
  const value = token.get();
  return {
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(value ? { authorization: `Bearer ${value}` } : {}),
  };
}

export async function get<T>(path: string): Promise<ApiAnswer<T>> {
  const response = await fetch(path, { headers: headers(false) });
  return { status: response.status, body: (await response.json()) as T };
}

export async function post<T>(path: string, body: unknown): Promise<ApiAnswer<T>> {
  const response = await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * The live event stream, read with fetch rather than EventSource so that it can carry the token (reads may
 * be protected). Calls `onEvent` with each event's stream; reconnects after the last id when it drops.
 */
export function followLog(onEvent: (stream: string) => void): () => void {
  let stopped = false;
  let lastId = '';
  const controller = new AbortController();
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const response = await fetch('/events/live', {
          headers: { ...headers(false), ...(lastId ? { 'last-event-id': lastId } : {}) },
          signal: controller.signal,
        });
        const reader = response.body!.getReader();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
          const blocks = text.split('\n\n');
          text = blocks.pop() ?? '';
          for (const block of blocks) {
            const id = /^id: (\d+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (id === undefined || data === undefined) continue;
            lastId = id;
            onEvent((JSON.parse(data) as { stream: string }).stream);
          }
        }
      } catch {
        if (stopped) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
