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

  /** The answer as it comes (for streamed bodies), after the same reachability and token checks. */
  async raw(path: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
    if (response.status === 401 || response.status === 403) {
      throw new CliError(`refused (${response.status}): ${await response.text()} (--token or HACO_TOKEN)`);
    }
    return response;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
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
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`the coordinator answered ${response.status} with something that is not JSON`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new CliError(
        `refused (${response.status}): ${(parsed as { text?: string }).text ?? text} (--token or HACO_TOKEN)`,
      );
    }
    if (!response.ok) {
      const message =
        (parsed as { text?: string; error?: string }).text ?? (parsed as { error?: string }).error ?? text;
      throw new CliError(`${method} ${path} failed (${response.status}): ${message}`);
    }
    return parsed as T;
  }
}

function unreachable(baseUrl: string, error: unknown): CliError {
  const inner = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  const cause = inner?.code ?? inner?.errors?.[0]?.code ?? (error as Error).message;
  return new CliError(
    `cannot reach the coordinator at ${baseUrl} (${cause}); is it running? (--url or HACO_URL)`,
  );
}
