// The console's entry point: configuration, sign-in, and the page router
// (History API; every path is served index.html).
import { loadConfig } from './config.js';
import { session, signIn, completeSignIn, signOut } from './auth.js';
import { h, replace } from './dom.js';
import { errorBox } from './ui.js';
import { clustersPage } from './pages/clusters.js';
import { clusterPage } from './pages/cluster.js';
import { namespacePage } from './pages/namespace.js';
import { invitationPage } from './pages/invitation.js';

const main = document.getElementById('main');
let cleanups = [];

const ROUTES = [
  [/^\/$/, () => clustersPage],
  [/^\/clusters\/([^/]+)$/, (m) => (ctx) => clusterPage(ctx, decodeURIComponent(m[1]))],
  [/^\/clusters\/([^/]+)\/namespaces\/([^/]+)(?:\/([a-z]+))?$/,
    (m) => (ctx) => namespacePage(ctx, decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3] || 'installation')],
  [/^\/invitations\/([^/]+)$/, (m) => (ctx) => invitationPage(ctx, decodeURIComponent(m[1]))],
];

export function navigate(path, { replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

function notFound(ctx) {
  ctx.title('Page not found');
  return [h('h1', {}, 'Page not found'), h('p', {}, 'There is no console page at this address. ', h('a', { href: '/' }, 'Go to your clusters'), '.')];
}

async function render() {
  cleanups.forEach((fn) => fn());
  cleanups = [];
  const path = location.pathname;
  if (path === '/signed-out') return signedOut();
  if (!session()) return signIn(path + location.search);
  showUser();
  let page = notFound;
  for (const [re, make] of ROUTES) {
    const m = path.match(re);
    if (m) { page = make(m); break; }
  }
  const ctx = {
    onCleanup: (fn) => cleanups.push(fn),
    title: (text) => { document.title = `${text} — Cluster Manager`; },
    navigate,
  };
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const content = await page(ctx);
    replace(main, content);
  } catch (err) {
    replace(main, h('h1', {}, 'Something went wrong'), errorBox(err), h('p', {}, h('a', { href: '/' }, 'Back to your clusters')));
  }
  const heading = main.querySelector('h1');
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
  performance.mark('cm:rendered'); // bench/console_load.py reads the first one
}

function showUser() {
  const s = session();
  document.getElementById('who').textContent = s ? `Signed in as ${s.email}` : '';
  document.getElementById('sign-out').hidden = !s;
}

function signedOut() {
  showUser();
  document.title = 'Signed out — Cluster Manager';
  replace(main, h('h1', {}, 'You are signed out'),
    h('p', {}, 'Your session in this tab has ended.'),
    h('button', { type: 'button', onclick: () => signIn('/') }, 'Sign in again'));
  main.querySelector('h1').tabIndex = -1;
  main.querySelector('h1').focus();
}

// Links within the console change the page without a reload.
document.addEventListener('click', (event) => {
  const a = event.target.closest('a');
  if (!a || a.target || a.hasAttribute('download') || event.defaultPrevented || event.button !== 0
      || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);
document.getElementById('sign-out').addEventListener('click', () => {
  if (!signOut()) navigate('/signed-out');
});

async function start() {
  try {
    await loadConfig();
    if (location.pathname === '/callback') {
      const back = await completeSignIn();
      history.replaceState(null, '', back);
    }
  } catch (err) {
    replace(main, h('h1', {}, 'Sign-in failed'), errorBox(err),
      h('button', { type: 'button', onclick: () => signIn('/') }, 'Sign in again'));
    return;
  }
  render();
}
start();
