// The console's only door to the cloud API: same origin (the CSP allows nothing else), the
// session's bearer token on every call, and every failure as an ApiError with the API's code.

/** A refused or failed call: `status` 0 means the API could not be reached. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfterSeconds = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const TIMEOUT_MS = 15_000;

/**
 * A client for `/api/v1`. `token()` gives the current bearer token (or null); `onUnauthorized`
 * runs when the API refuses it (expired, signed out elsewhere, user disabled).
 */
export function createApi({ token, onUnauthorized }) {
  return async function call(method, path, body) {
    const bearer = token();
    const headers = { accept: 'application/json' };
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        cache: 'no-store',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'UNREACHABLE', 'the API did not answer');
    }
    if (res.status === 204) return null;
    const data = await res.json().catch(() => null);
    if (res.ok) return data;
    const retryAfter = Number(res.headers.get('retry-after'));
    const error = new ApiError(
      res.status,
      data?.error?.code ?? `HTTP_${res.status}`,
      data?.error?.message ?? res.statusText,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
    if (res.status === 401 && bearer !== null) onUnauthorized(error);
    throw error;
  };
}
