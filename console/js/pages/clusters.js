// Clusters: the caller's clusters, and a form to create one.
import { h } from '../dom.js';
import { all, post } from '../api.js';
import { field, select, onSubmit, errorBox, badge } from '../ui.js';

export const flash = { text: '' }; // a message for the next render (e.g. after a delete)

export async function clustersPage(ctx) {
  ctx.title('Clusters');
  let clusters = [];
  let loadError = null;
  try { clusters = await all('/clusters'); } catch (err) { loadError = err; }
  const message = flash.text;
  flash.text = '';

  const form = h('form', { class: 'stack card', 'aria-labelledby': 'create-cluster' },
    h('h2', { id: 'create-cluster' }, 'Create a cluster'),
    field({ label: 'Name', name: 'name', required: true, attrs: { maxlength: 100, autocomplete: 'off' },
      hint: 'What your team calls this cluster, e.g. "prod-eu".' }),
    field({ label: 'Type', name: 'type', control: select([['openshift', 'OpenShift'], ['kubernetes', 'Kubernetes']], 'kubernetes') }),
    field({ label: 'Platform', name: 'platform', hint: 'Where it runs; Amazon EKS offers AWS ECR registries.',
      control: select([['', 'Not specified'], ['generic', 'Other / on premises'], ['eks', 'Amazon EKS'], ['aks', 'Azure AKS'], ['gke', 'Google GKE']], '') }),
    field({ label: 'Description', name: 'description', control: h('textarea', { maxlength: 1000 }), hint: 'Optional.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create cluster')));
  onSubmit(form, async () => {
    const body = { name: form.elements.name.value.trim(), type: form.elements.type.value };
    if (form.elements.platform.value) body.platform = form.elements.platform.value;
    if (form.elements.description.value.trim()) body.description = form.elements.description.value.trim();
    const cluster = await post('/clusters', body);
    ctx.navigate(`/clusters/${encodeURIComponent(cluster.cluster_id)}`);
  });

  return [
    h('h1', {}, 'Clusters'),
    message ? h('p', { class: 'flash', role: 'status' }, message) : null,
    loadError ? errorBox(loadError) : clusters.length === 0
      ? h('p', { class: 'muted' }, 'No clusters yet. Create one below, or ask a cluster manager to invite you to a namespace.')
      : h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Your clusters'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'Namespaces'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Your role'),
          h('th', { scope: 'col', class: 'hide-narrow' }, 'Description'))),
        h('tbody', {}, clusters.map((c) => h('tr', {},
          h('td', {}, h('a', { href: `/clusters/${encodeURIComponent(c.cluster_id)}` }, c.name)),
          h('td', {}, c.type === 'openshift' ? 'OpenShift' : 'Kubernetes'),
          h('td', {}, c.namespaces.length ? c.namespaces.map((n, i) => [i ? ', ' : '', n.name, ' ', badge(n.status)]) : '—'),
          h('td', { class: 'hide-narrow' }, c.my_role === 'creator' ? 'cluster manager' : 'member'),
          h('td', { class: 'hide-narrow' }, c.description || '')))))),
    form,
  ];
}
