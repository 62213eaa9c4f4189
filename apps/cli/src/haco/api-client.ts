/** The coordinator's HTTP API as the CLI uses it; every failure becomes a readable CliError. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  /**
   * Every page of a paged list (`limit`/`offset`, answered with `total` and the list under `field`), read
   * one after the other with the query's filters.
   */
  async pages<T>(path: string, query: URLSearchParams, field: string, pageSize = 1_000): Promise<T[]> {
    const rows: T[] = [];
    query.set('limit', String(pageSize));
    for (let offset = 0; ; offset += pageSize) {
      query.set('offset', String(offset));
      const page = await this.get<{ total: number } & Record<string, unknown>>(`${path}?${query}`);
      const items = page[field] as T[];
      rows.push(...items);
      if (items.length < pageSize || rows.length >= page.total) return rows;
    }
  }

  /** The answer as it comes (for streamed bodies), after the same reachability and token checks. */
  async raw(path: string): Promise<Response> {
    const response = await this.send('GET', path);
    if (response.status === 401 || response.status === 403)
      throw refused(response.status, await response.text());
    return response;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`the coordinator answered ${response.status} with something that is not JSON`);
    }
    if (response.status === 401 || response.status === 403) {
      throw refused(response.status, (parsed as { text?: string }).text ?? text);
    }
    if (!response.ok) {
      const message =
        (parsed as { text?: string; error?: string }).text ?? (parsed as { error?: string }).error ?? text;
      throw new CliError(`${method} ${path} failed (${response.status}): ${message}`);
    }
    return parsed as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
  }
}

function refused(status: number, text: string): CliError {
  return new CliError(`refused (${status}): ${text} (--token or HACO_TOKEN)`);
}

function unreachable(baseUrl: string, error: unknown): CliError {
  const inner = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  const cause = inner?.code ?? inner?.errors?.[0]?.code ?? (error as Error).message;
  return new CliError(
    `cannot reach the coordinator at ${baseUrl} (${cause}); is it running? (--url or HACO_URL)`,
  );
}
