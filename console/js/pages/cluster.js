// A cluster: details, rename, delete; its namespaces with live status; add a
// namespace; the cluster's activity.
import { h, replace, duration, when } from '../dom.js';
import { get, patch, post, del, enc, ApiError } from '../api.js';
import { field, select, onSubmit, errorBox, namespaceStatus, confirmAction, liveDns, DNS_RULE } from '../ui.js';
import { poll } from '../poll.js';
import { flash } from './clusters.js';
import { activityList } from './activity.js';

export const TYPE_NAMES = { openshift: 'OpenShift', kubernetes: 'Kubernetes' };
export const STAYS_ON_PLATFORM = 'What stays on the platform: everything installed in the cluster — the namespaces, the agent and operator in each, the apps and their data — keeps running; Cluster Manager only stops managing it. Remove those with kubectl or oc if you no longer need them.';

export async function clusterPage(ctx, clusterId) {
  const base = `/clusters/${enc(clusterId)}`;
  const cluster = await get(base);
  ctx.title(cluster.name);
  const creator = cluster.my_role === 'creator';
  const heading = h('h1', {}, cluster.name);
  const crumb = h('span', {}, cluster.name);

  const nsBody = h('tbody');
  const nsError = h('div');
  function renderNamespaces(items) {
    replace(nsBody, items.length === 0
      ? h('tr', {}, h('td', { colspan: 4, class: 'muted' }, creator ? 'No namespaces yet; add one below.' : 'No namespaces you are a member of.'))
      : items.map((ns) => h('tr', { 'data-namespace': ns.name },
        h('td', {}, h('a', { href: `${base}/namespaces/${enc(ns.name)}` }, ns.name)),
        h('td', {}, namespaceStatus(ns)),
        h('td', { class: 'hide-narrow' }, ns.installation_type),
        h('td', { class: 'hide-narrow' }, ns.status === 'connected' ? `connected for ${duration(ns.runtime_seconds)}` : '—'))));
  }
  renderNamespaces(cluster.namespaces);
  async function refresh() {
    try {
      const page = await get(`${base}/namespaces?limit=100`);
      renderNamespaces(page.items);
      replace(nsError);
    } catch (err) {
      if (err.status !== 401) replace(nsError, errorBox(err));
      throw err;
    }
  }
  ctx.onCleanup(poll(refresh));

  const parts = [
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'Clusters'), ' › ', crumb),
    heading,
    h('dl', { class: 'facts card' },
      h('dt', {}, 'Type'), h('dd', {}, TYPE_NAMES[cluster.type] + (cluster.platform ? ` (${cluster.platform})` : '')),
      h('dt', {}, 'Description'), h('dd', { 'data-testid': 'description' }, cluster.description || '—'),
      h('dt', {}, 'Cluster manager'), h('dd', {}, cluster.creator),
      h('dt', {}, 'Created'), h('dd', {}, when(cluster.created_at)),
      h('dt', {}, 'Cluster id'), h('dd', {}, h('code', {}, cluster.cluster_id))),
    h('h2', { id: 'namespaces' }, 'Namespaces'),
    nsError,
    h('div', { class: 'table-wrap' }, h('table', { 'aria-labelledby': 'namespaces' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Namespace'), h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col', class: 'hide-narrow' }, 'Installation'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Runtime'))),
      nsBody)),
  ];

  if (creator) {
    const nsForm = h('form', { class: 'stack card', 'aria-labelledby': 'add-ns' },
      h('h2', { id: 'add-ns' }, 'Add a namespace'),
      field({ label: 'Namespace name', name: 'name', required: true, hint: `The Kubernetes namespace. ${DNS_RULE}`,
        attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' } }),
      h('fieldset', {}, h('legend', {}, 'Installation type'),
        h('label', {}, h('input', { type: 'radio', name: 'installation_type', value: 'connected', checked: true }), ' Connected (the agent talks to Cluster Manager)'),
        h('label', {}, h('input', { type: 'radio', name: 'installation_type', value: 'standalone' }), ' Standalone')),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add namespace')));
    liveDns(nsForm.elements.name, nsForm, 'name');
    onSubmit(nsForm, async () => {
      const name = nsForm.elements.name.value.trim();
      await post(`${base}/namespaces`, { name, installation_type: nsForm.elements.installation_type.value });
      ctx.navigate(`${base}/namespaces/${enc(name)}`);
    });

    const editForm = h('form', { class: 'stack card', 'aria-labelledby': 'edit-cluster' },
      h('h2', { id: 'edit-cluster' }, 'Rename or describe'),
      field({ label: 'Name', name: 'name', value: cluster.name, required: true, attrs: { maxlength: 100 } }),
      field({ label: 'Description', name: 'description', control: h('textarea', { maxlength: 1000, value: cluster.description || '' }) }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save')));
    onSubmit(editForm, async () => {
      const updated = await patch(base, { name: editForm.elements.name.value.trim(), description: editForm.elements.description.value.trim() || null });
      heading.textContent = updated.name;
      crumb.textContent = updated.name;
      cluster.name = updated.name;
      ctx.title(updated.name);
      editForm.closest('main')?.querySelector('[data-testid=description]')?.replaceChildren(updated.description || '—');
      return `Saved: the cluster is now called ${updated.name}.`;
    });

    const deleteError = h('p', { class: 'error', role: 'alert' });
    const deleteButton = h('button', { type: 'button', class: 'danger', onclick: async () => {
      deleteError.textContent = '';
      const ok = await confirmAction({ title: `Delete cluster ${cluster.name}?`, confirm: 'Delete cluster',
        body: ['Deleting removes the cluster from Cluster Manager, with its namespaces, members, plans and activity.', STAYS_ON_PLATFORM] });
      if (!ok) return;
      try {
        const result = await del(`${base}?confirm=true`);
        flash.text = result?.message || `Cluster ${cluster.name} deleted.`;
        ctx.navigate('/');
      } catch (err) { deleteError.textContent = err.message; deleteButton.focus(); }
    } }, 'Delete cluster…');
    parts.push(nsForm, editForm,
      h('section', { class: 'card', 'aria-labelledby': 'danger' }, h('h2', { id: 'danger' }, 'Delete'),
        h('p', {}, STAYS_ON_PLATFORM), h('div', { class: 'actions' }, deleteButton), deleteError));
  }
  parts.push(h('h2', { id: 'activity' }, 'Activity'), await activityList(`${base}/activity`));
  return parts;
}
