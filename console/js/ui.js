// Shared pieces of the pages: status badges, confirmations, forms that show
// the API's error next to what caused it and keep what the user typed.
import { h, uid, ago } from './dom.js';

const STATUS = {
  waiting_for_connection: ['wait', 'waiting for connection'],
  connected: ['ok', 'connected'],
  disconnected: ['bad', 'disconnected'],
  pending: ['wait', 'pending'], active: ['ok', 'active'], expired: ['bad', 'expired'],
  provisioning: ['wait', 'provisioning'], ready: ['ok', 'ready'],
  provisioning_failed: ['bad', 'provisioning failed'], deprovisioning: ['wait', 'deprovisioning'],
  deprovisioning_failed: ['bad', 'deprovisioning failed'],
  queued: ['wait', 'queued'], delivered: ['wait', 'delivered'], succeeded: ['ok', 'succeeded'], failed: ['bad', 'failed'],
  inactive: ['off', 'inactive'],
};

export function badge(status) {
  const [kind, words] = STATUS[status] || ['off', String(status).replace(/_/g, ' ')];
  return h('span', { class: `badge ${kind}`, 'data-status': status }, words);
}

/** A namespace's status in words, with last seen when disconnected. */
export function namespaceStatus(ns) {
  const parts = [badge(ns.status)];
  if (ns.status === 'disconnected' && ns.last_seen) parts.push(' ', h('span', { class: 'muted' }, `last seen ${ago(ns.last_seen)}`));
  return h('span', { class: 'ns-status' }, parts);
}

/** Ask before a destructive action; resolves true when confirmed. */
export function confirmAction({ title, body, confirm = 'Delete', danger = true }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const dialog = h('dialog', { 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      ...(Array.isArray(body) ? body : [body]).map((p) => (p instanceof Node ? p : h('p', {}, p))),
      h('form', { method: 'dialog', class: 'actions' },
        h('button', { value: 'cancel', class: 'secondary', autofocus: true }, 'Cancel'),
        h('button', { value: 'ok', class: danger ? 'danger' : '' }, confirm)));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(dialog.returnValue === 'ok'); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A labelled input with a hint and a problem line (aria-describedby both). */
export function field({ label, name, type = 'text', value, hint, required, attrs = {}, control }) {
  const id = uid(name);
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  const input = control || h('input', { id, name, type, value: value ?? '', required, ...attrs });
  input.id = id;
  input.name = name;
  input.setAttribute('aria-describedby', `${hint ? hintId : ''} ${problemId}`.trim());
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, label),
    input,
    hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
    h('span', { class: 'problem', id: problemId, role: 'status' }));
}

export function select(options, value) {
  return h('select', {}, options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value) }, text)));
}

export function setProblem(form, name, text) {
  const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!box) return false;
  box.querySelector('.problem').textContent = text || '';
  const input = box.querySelector('input, select, textarea');
  if (input) input.setAttribute('aria-invalid', text ? 'true' : 'false');
  return true;
}

/**
 * Wire a form: on submit, ``action(form)`` runs with the button disabled; an
 * ApiError lands next to the fields it names (422 details) and in the form's
 * error line; the inputs keep what was typed.  Returns the error element.
 */
export function onSubmit(form, action, { done } = {}) {
  const error = form.querySelector('.error') || form.appendChild(h('p', { class: 'error', role: 'alert' }));
  const notice = form.querySelector('.notice') || form.appendChild(h('p', { class: 'notice', role: 'status' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    notice.textContent = '';
    form.querySelectorAll('[data-field]').forEach((box) => setProblem(form, box.dataset.field, ''));
    if (!form.reportValidity()) return;
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await action(form);
      if (typeof result === 'string') notice.textContent = result;
      if (done) done(result);
    } catch (err) {
      showError(form, err, error);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return error;
}

export function showError(form, err, errorLine) {
  const line = errorLine || form.querySelector('.error');
  let placed = 0;
  for (const d of err.details || []) {
    const name = String(d.field || '').split('.').pop();
    if (name && setProblem(form, name, d.problem)) placed += 1;
  }
  line.textContent = err.message || String(err);
  const first = form.querySelector('[aria-invalid=true]');
  (first || line).focus?.();
}

/** DNS-1123 label: the rule, and what is wrong with ``value`` as typed. */
export const DNS_RULE = 'Lowercase letters, digits and "-" (not first or last), at most 63 characters.';
export function dnsProblem(value) {
  if (!value) return '';
  if (value.length > 63) return `Too long: ${value.length} characters; at most 63.`;
  if (/[A-Z]/.test(value)) return 'Use lowercase letters only.';
  const bad = value.match(/[^a-z0-9-]/);
  if (bad) return `"${bad[0]}" is not allowed; use a-z, 0-9 and "-".`;
  if (value.startsWith('-') || value.endsWith('-')) return 'It must start and end with a letter or digit.';
  return '';
}
export function liveDns(input, form, name) {
  input.addEventListener('input', () => setProblem(form, name, dnsProblem(input.value)));
}

export function errorBox(err) {
  return h('p', { class: 'flash bad', role: 'alert' }, err.message || String(err));
}
