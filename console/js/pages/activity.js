// The activity log of a cluster or a namespace.
import { h, when } from '../dom.js';
import { get } from '../api.js';
import { errorBox } from '../ui.js';

export async function activityList(path) {
  let page;
  try { page = await get(`${path}?limit=50`); } catch (err) { return errorBox(err); }
  if (!page.items.length) return h('p', { class: 'muted' }, 'Nothing has happened yet.');
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Activity, newest first'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'What'))),
    h('tbody', {}, page.items.map((a) => h('tr', {},
      h('td', {}, when(a.at)), h('td', {}, a.actor),
      h('td', {}, a.action.replace(/_/g, ' '), a.namespace ? ` (namespace ${a.namespace})` : '', ' ', h('code', { class: 'hide-narrow' }, `${a.method} ${a.path}`)))))));
}
