// The one way the app talks to the server. The CSRF token lives in this module's memory only:
// never in localStorage or IndexedDB (the brief forbids tokens in browser storage).
let csrfToken = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export class NetworkError extends Error {}

/** The server did not answer in time (one bar, a captive portal): handled like being offline. */
export class TimeoutError extends NetworkError {}

// Long enough for a slow 3G answer, short enough that nobody stares at a greyed-out button. A test may shorten it
// on its device (localStorage 'wijkspoed.timeoutMs', read once when the app starts) so it doesn't wait 8 s.
export const TIMEOUT_MS = requestTimeout();

function requestTimeout() {
  try {
    const ms = Number(localStorage.getItem('wijkspoed.timeoutMs'));
    if (Number.isInteger(ms) && ms >= 100 && ms <= 60000) return ms;
  } catch { /* no storage (a worker, a locked-down browser) */ }
  return 8000;
}

/** The server's per-field messages of a refused request, flattened: {"client.postcode": "…"}. */
export function fieldErrors(e) {
  const out = {};
  const walk = (node, prefix) => {
    for (const [k, v] of Object.entries(node || {})) {
      const name = ['json', 'query', 'form'].includes(k) ? prefix : prefix ? `${prefix}.${k}` : k;
      if (Array.isArray(v)) out[name || '_schema'] = v.join(' ');
      else if (v && typeof v === 'object') walk(v, name);
      else out[name] = String(v);
    }
  };
  walk(e?.body?.errors, '');
  return out;
}

export function setCsrf(token) {
  csrfToken = token || null;
}

export function hasCsrf() {
  return !!csrfToken;
}

/** One request; `onHeaders(headers)` sees a successful answer's headers (the board's next poll cursor). */
export async function request(method, path, { body, headers = {}, idempotencyKey, timeout = TIMEOUT_MS, onHeaders } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  if (idempotencyKey) h['Idempotency-Key'] = idempotencyKey;
  // Every request ends: a connection that stays up but never answers counts as no connection.
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeout);
  try {
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: abort.signal,
      });
    } catch (e) {
      throw timedOut ? new TimeoutError('timeout') : new NetworkError(e.message);
    }
    if (res.status === 204) return null;
    let data = null;
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) data = await res.json().catch(() => (timedOut ? undefined : null));
    if (timedOut) throw new TimeoutError('timeout');
    if (!res.ok) throw new ApiError(res.status, data);
    if (onHeaders) onHeaders(res.headers);
    return data;
  } finally {
    clearTimeout(timer);
  }
}

export const api = {
  get: (p) => request('GET', p),
  post: (p, body, opts) => request('POST', p, { body: body ?? {}, ...opts }),
  patch: (p, body, opts) => request('PATCH', p, { body, ...opts }),
  put: (p, body, opts) => request('PUT', p, { body, ...opts }),
  del: (p) => request('DELETE', p),
};

/** Log in; keep the CSRF token in memory and return the user. */
export async function login(username, password) {
  const data = await api.post('/api/auth/login', { username, password });
  setCsrf(data.csrf_token);
  return data.user;
}

/**
 * Fetch the current user (and a fresh CSRF token after a reload). Callers at the same moment share one request;
 * `maxAge` (ms) accepts an answer that recent instead (the nurse's home screen right after the app started).
 */
let meInFlight = null;
let meLast = { at: -Infinity, user: null };
export function me({ maxAge = 0 } = {}) {
  if (meLast.user && performance.now() - meLast.at <= maxAge) return Promise.resolve(meLast.user);
  meInFlight ||= api.get('/api/auth/me').then((data) => {
    if (data.csrf_token) setCsrf(data.csrf_token);
    meLast = { at: performance.now(), user: data.user || data };
    return meLast.user;
  }).finally(() => {
    meInFlight = null;
  });
  return meInFlight;
}

export async function logout() {
  meLast = { at: -Infinity, user: null };
  try {
    await api.post('/api/auth/logout');
  } finally {
    setCsrf(null);
  }
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
