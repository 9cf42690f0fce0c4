// Accept an invitation: the link in the invitation mail opens this page.
import { h, replace } from '../dom.js';
import { post, enc } from '../api.js';
import { session, clearSession, signIn } from '../auth.js';

const HELP = {
  invitation_used: 'Each invitation link works once. If you have accepted it already, the namespace is in your clusters list; otherwise ask the cluster manager to invite you again.',
  invitation_expired: 'Ask the cluster manager who invited you to send a new invitation.',
  invitation_withdrawn: 'The cluster manager withdrew it (or invited you again with a newer link). Ask them for a new invitation.',
  not_found: 'Check that you opened the whole link from the mail; if it is the newest one, ask the cluster manager to invite you again.',
};

export async function invitationPage(ctx, token) {
  ctx.title('Accept invitation');
  const email = session()?.email;
  const outcome = h('div', { role: 'status' });
  const accept = h('button', { type: 'button', onclick: async () => {
    accept.disabled = true;
    replace(outcome);
    try {
      const result = await post(`/invitations/${enc(token)}/accept`, {});
      const where = `/clusters/${enc(result.cluster_id)}/namespaces/${enc(result.namespace)}`;
      replace(outcome, h('p', { class: 'flash' }, result.message, ' '),
        h('p', {}, h('a', { href: where }, `Open namespace ${result.namespace}`)));
      accept.hidden = true;
    } catch (err) {
      accept.disabled = false;
      const wrongAccount = err.status === 403;
      replace(outcome, h('div', { class: 'flash bad', role: 'alert' },
        h('p', {}, err.message),
        h('p', {}, wrongAccount
          ? `You are signed in as ${email}. Sign out, then open the link again and sign in with the address the invitation was sent to.`
          : HELP[err.code] || HELP.not_found),
        wrongAccount ? h('button', { type: 'button', class: 'secondary', onclick: () => { clearSession(); signIn(location.pathname); } }, 'Sign in with another address') : null));
    }
  } }, 'Accept invitation');
  return [
    h('h1', {}, 'Accept invitation'),
    h('p', {}, 'You were invited to a namespace in Cluster Manager. You are signed in as ', h('strong', {}, email || '?'), '; the invitation only works for the address it was sent to.'),
    h('div', { class: 'actions' }, accept),
    outcome,
  ];
}
