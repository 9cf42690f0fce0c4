// The API client: bearer token, JSON both ways, errors as ApiError with the
// API's own {error, message}.  A 401 sends the user to sign in, and back here.
import { config } from './config.js';
import { session, signIn, clearSession } from './auth.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `The API answered ${status}.`);
    this.status = status;
    this.code = body?.error || 'error';
    this.details = body?.details || [];
  }
}

export async function api(method, path, body) {
  const s = session();
  if (!s) { await signIn(); }
  const headers = { Authorization: `Bearer ${s.idToken}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(config().apiUrl + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: 'network', message: `Cannot reach the API (${config().apiUrl}). Check your connection; this view retries by itself.` });
  }
  if (resp.status === 401) {
    clearSession();
    await signIn();
  }
  if (resp.status === 204) return null;
  let data;
  try { data = await resp.json(); } catch { data = { error: 'bad_response', message: `The API answered ${resp.status} without JSON.` }; }
  if (!resp.ok) {
    if (!data || typeof data.message !== 'string') data = { error: 'error', message: `The API answered ${resp.status}${data?.Message ? `: ${data.Message}` : ''}.` };
    throw new ApiError(resp.status, data);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** Every page of a paginated list. */
export async function all(path, limit = 100) {
  const items = [];
  let token = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=${limit}${token ? `&next_token=${encodeURIComponent(token)}` : ''}`);
    items.push(...page.items);
    token = page.next_token;
  } while (token);
  return items;
}

let catalogue;
export async function getCatalogue() {
  if (!catalogue) catalogue = await get('/catalogue');
  return catalogue;
}

// A path segment: "@" stays as is (a valid path character; emails are member ids).
export const enc = (segment) => encodeURIComponent(segment).replace(/%40/g, '@');
