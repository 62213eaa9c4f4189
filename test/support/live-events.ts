/** One event of the coordinator's live feed: its SSE id (the log position), type, and the stored event. */
export interface LiveEvent {
  readonly id: number;
  readonly type: string;
  readonly stored: { readonly seq: number; readonly data: Record<string, unknown> };
}

/**
 * The first `count` events of a live feed (`GET /events/live`), read as they arrive, then the connection
 * closed. `opened` is called once the response has begun, so that a test can commit only after that.
 */
export async function readLiveEvents(
  url: string,
  count: number,
  options: { headers?: Record<string, string>; opened?: (contentType: string | null) => void } = {},
): Promise<LiveEvent[]> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: options.headers, signal: controller.signal });
  options.opened?.(response.headers.get('content-type'));
  const reader = response.body!.getReader();
  const events: LiveEvent[] = [];
  let text = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const blocks = text.split('\n\n');
    text = blocks.pop() ?? '';
    for (const block of blocks) {
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const type = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (id && type && data)
        events.push({ id: Number(id), type, stored: JSON.parse(data) as LiveEvent['stored'] });
    }
  }
  controller.abort();
  return events.slice(0, count);
}
