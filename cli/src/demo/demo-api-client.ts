/**
 * The demo's HTTP calls to its own API, with a bearer token: the demo sets up the town the way
 * a technician and a merchant would, through the public routes and their checks.
 */
export class DemoApiClient {
  readonly #url: string;
  readonly #token: string;

  constructor(url: string, token: string) {
    this.#url = url;
    this.#token = token;
  }

  /**
   * The answer's JSON when its status is one of `expect`; any other status throws with its body.
   * `headers` go with the request (`if-match` for a change made from a version read).
   */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape of an answer the API's own response schema produced
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    expect: readonly number[] = [200, 201],
    headers: Readonly<Record<string, string>> = {},
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.#url}${path}`, {
      method,
      headers: {
        ...headers,
        authorization: `Bearer ${this.#token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) {
      throw new Error(
        `demo setup: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`,
      );
    }
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }
}
