// Sign-in with OpenID Connect: authorization code + PKCE (S256).  Tokens live
// in sessionStorage (this tab only, gone when it closes), never localStorage.
import { config } from './config.js';

const SESSION = 'cm.session';
const PENDING = 'cm.pending';
let discovered;

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export async function discovery() {
  if (!discovered) {
    const cfg = config().oidc;
    const url = cfg.discoveryUrl || `${cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(`The sign-in service (${url}) answered ${resp.status}.`);
    discovered = await resp.json();
  }
  return discovered;
}

export const redirectUri = () => `${location.origin}/callback`;

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION));
    if (s && s.expiresAt > Date.now() + 5000) return s;
  } catch { /* nothing stored */ }
  return null;
}

export function clearSession() { sessionStorage.removeItem(SESSION); }

/** Go to the issuer's sign-in page; come back to ``returnTo`` afterwards. */
export async function signIn(returnTo = location.pathname + location.search) {
  const meta = await discovery();
  const verifier = random(48);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = random(16);
  const nonce = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo }));
  const params = new URLSearchParams({
    response_type: 'code', client_id: config().oidc.clientId, redirect_uri: redirectUri(),
    scope: config().oidc.scope || 'openid email', state, nonce,
    code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`${meta.authorization_endpoint}?${params}`);
  return new Promise(() => {}); // the page is going away
}

function claimsOf(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
  return JSON.parse(json);
}

/** Back from the issuer at /callback: exchange the code; returns where to go. */
export async function completeSignIn() {
  const query = new URLSearchParams(location.search);
  let pending = null;
  try { pending = JSON.parse(sessionStorage.getItem(PENDING)); } catch { /* none */ }
  sessionStorage.removeItem(PENDING);
  if (query.get('error')) {
    throw new Error(`The sign-in service refused: ${query.get('error_description') || query.get('error')}.`);
  }
  if (!pending || pending.state !== query.get('state')) {
    throw new Error('This sign-in answer does not belong to a sign-in started in this tab (it may be old, or from another tab). Sign in again.');
  }
  const meta = await discovery();
  const resp = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: query.get('code') || '', redirect_uri: redirectUri(),
      client_id: config().oidc.clientId, code_verifier: pending.verifier,
    }),
  });
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok || !body.id_token) {
    throw new Error(`The sign-in service did not give a token: ${body.error_description || body.error || resp.status}. Sign in again.`);
  }
  const claims = claimsOf(body.id_token);
  if (claims.nonce !== pending.nonce) throw new Error('The token does not answer this sign-in (nonce mismatch). Sign in again.');
  sessionStorage.setItem(SESSION, JSON.stringify({
    idToken: body.id_token, email: claims.email,
    expiresAt: (claims.exp ? claims.exp * 1000 : Date.now() + (body.expires_in || 3600) * 1000),
  }));
  return pending.returnTo || '/';
}

/** Forget the tokens; with a provider that keeps its own session (Cognito), end it too. */
export function signOut() {
  clearSession();
  const logout = config().oidc.logoutUrl;
  if (logout) {
    const params = new URLSearchParams({ client_id: config().oidc.clientId, logout_uri: `${location.origin}/signed-out` });
    location.assign(`${logout}?${params}`);
    return true;
  }
  return false;
}
