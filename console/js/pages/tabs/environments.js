// Environments: create with active plans, watch provisioning (step, attempt,
// last error, next retry counting down), retry a failed one, delete.
import { h, replace, when, duration } from '../../dom.js';
import { all, post, del, enc } from '../../api.js';
import { field, select, onSubmit, badge, confirmAction, errorBox, liveDns, DNS_RULE } from '../../ui.js';
import { poll } from '../../poll.js';

function countdown(iso) {
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  return seconds > 0 ? `next attempt in ${duration(seconds)}` : 'next attempt starting';
}

export async function environmentsTab(c) {
  const canManage = c.creator || c.rights.has('manage_environment');
  const list = h('div');
  const problems = new Map(); // env name → last action error, kept across refreshes
  let plans = [];

  function row(env) {
    const problem = h('p', { class: 'error', role: 'alert' }, problems.get(env.name) || '');
    const progress = [];
    if (env.state === 'provisioning' || env.state === 'provisioning_failed' || env.state === 'deprovisioning') {
      progress.push(h('div', {}, `step: ${env.step || '—'} · attempt ${env.attempt} of ${env.max_attempts}`));
    }
    if (env.last_error) progress.push(h('div', { class: 'error' }, `last error: ${env.last_error}`));
    if (env.next_retry_at && env.state === 'provisioning') {
      progress.push(h('div', { class: 'countdown', 'data-at': env.next_retry_at }, countdown(env.next_retry_at)));
    }
    const actions = [];
    if (canManage && env.state === 'provisioning_failed') {
      actions.push(h('button', { type: 'button', onclick: async () => {
        problems.delete(env.name);
        try { await post(`${c.base}/environments/${enc(env.name)}/retry-provisioning`, {}); await refresh(); } catch (err) { problems.set(env.name, err.message); await refresh(); }
      } }, 'Retry provisioning'));
    }
    if (canManage && !['deprovisioning'].includes(env.state)) {
      actions.push(h('button', { type: 'button', class: 'danger', onclick: async () => {
        const ok = await confirmAction({ title: `Delete environment ${env.name}?`, confirm: 'Delete environment',
          body: [`The agent removes the database and the file storage of ${env.name} from the cluster (the plans stay).`] });
        if (!ok) return;
        problems.delete(env.name);
        try { await del(`${c.base}/environments/${enc(env.name)}?confirm=true`); } catch (err) { problems.set(env.name, err.message); }
        await refresh();
      } }, 'Delete'));
    }
    return h('tr', { 'data-environment': env.name },
      h('td', {}, env.name, env.app !== env.name ? h('div', { class: 'hint' }, `app ${env.app}`) : null),
      h('td', {}, badge(env.state), h('div', { class: 'progress' }, progress)),
      h('td', { class: 'hide-narrow' }, `${env.database_plan} / ${env.storage_plan}`),
      canManage ? h('td', {}, h('div', { class: 'actions' }, actions), problem) : null);
  }

  async function refresh() {
    const envs = await all(`${c.base}/environments`);
    replace(list, envs.length === 0 ? h('p', { class: 'muted' }, 'No environments yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Environments'),
      h('thead', {}, h('tr', {}, ['Environment', 'State', 'Plans (database / storage)', canManage ? 'Actions' : null].filter(Boolean)
        .map((t, i) => h('th', { scope: 'col', class: i === 2 ? 'hide-narrow' : null }, t)))),
      h('tbody', {}, envs.map(row)))));
  }
  try { await refresh(); } catch (err) { replace(list, errorBox(err)); }
  c.ctx.onCleanup(poll(refresh));
  const ticker = setInterval(() => list.querySelectorAll('.countdown').forEach((el) => { el.textContent = countdown(el.dataset.at); }), 1000);
  c.ctx.onCleanup(() => clearInterval(ticker));

  const parts = [h('h2', {}, 'Environments'), list];
  if (canManage) {
    try { plans = await all(`${c.base}/plans`); } catch { plans = []; }
    const options = (kind) => {
      const active = plans.filter((p) => p.kind === kind && p.active);
      return active.length ? active.map((p) => [p.name, `${p.name} (${p.type})`]) : [['', `No active ${kind} plan — add one on the Plans tab`]];
    };
    const form = h('form', { class: 'stack card', 'aria-labelledby': 'create-env' },
      h('h2', { id: 'create-env' }, 'Create an environment'),
      field({ label: 'Environment name', name: 'name', required: true, hint: `${DNS_RULE} Not mendix-operator or mendix-agent.`,
        attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' } }),
      field({ label: 'Database plan', name: 'database_plan', control: select(options('database')), hint: 'Only active plans are offered.' }),
      field({ label: 'Storage plan', name: 'storage_plan', control: select(options('storage')), hint: 'Only active plans are offered.' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create environment')));
    liveDns(form.elements.name, form, 'name');
    onSubmit(form, async () => {
      const body = { name: form.elements.name.value.trim(), database_plan: form.elements.database_plan.value, storage_plan: form.elements.storage_plan.value };
      const env = await post(`${c.base}/environments`, body);
      form.elements.name.value = '';
      await refresh();
      return `Environment ${env.name} is being provisioned.`;
    });
    parts.push(form);
  }
  return parts;
}
