// The signed-in session: kept in sessionStorage (this tab only, gone when it closes), never in
// a cookie, so no other site can make the browser send it (no CSRF) and the API reads it only
// from the Authorization header.

const KEY = 'hameau.console.session';

/** `{ token, user: { name, role }, expiresAt }` of this tab, or null. */
export function loadSession() {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return null;
    const session = JSON.parse(raw);
    const valid =
      typeof session?.token === 'string' &&
      typeof session.user?.name === 'string' &&
      typeof session.user.role === 'string' &&
      Number.isFinite(Date.parse(session.expiresAt));
    return valid ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** Whether the session has reached its end by the browser's clock. */
export function hasExpired(session, now = Date.now()) {
  return now >= Date.parse(session.expiresAt);
}
