// Operate: the namespace's metrics, alerts, logs and backups links.  Members see
// the ones their rights allow; the cluster manager edits each on its own.
import { h } from '../../dom.js';
import { get, patch, put, enc } from '../../api.js';
import { field, onSubmit } from '../../ui.js';

const LINKS = [
  ['metrics_url', 'Metrics', 'view_metrics'],
  ['alerts_url', 'Alerts', 'view_alerts'],
  ['logs_url', 'Logs', 'view_logs'],
  ['backups_url', 'Backups', 'manage_backups'],
];

export async function operateTab(c) {
  let current = await get(`${c.base}/operate`);
  const shown = LINKS.filter(([, , right]) => c.creator || c.rights.has(right));
  if (!c.creator) {
    return [h('h2', {}, 'Operate'),
      shown.length === 0 ? h('p', { class: 'muted' }, 'Your rights in this namespace include no operate links.')
        : h('ul', {}, shown.map(([key, label]) => h('li', {}, `${label}: `,
          current[key] ? h('a', { href: current[key], target: '_blank', rel: 'noopener noreferrer' }, current[key]) : h('span', { class: 'muted' }, 'not set'))))];
  }
  const forms = shown.map(([key, label]) => {
    const form = h('form', { class: 'inline card', 'aria-label': `${label} URL` },
      h('div', { class: 'grow' }, field({ label: `${label} URL`, name: key, type: 'url', value: current[key] || '',
        hint: 'https://…; empty removes the link.', attrs: { maxlength: 2048, autocomplete: 'off' } })),
      h('button', { type: 'submit' }, `Save ${label.toLowerCase()}`));
    onSubmit(form, async () => {
      const value = form.elements[key].value.trim() || null;
      try {
        current = await patch(`${c.base}/operate`, { [key]: value });
      } catch (err) {
        // An API without PATCH …/operate (refused, or not allowed by its CORS preflight,
        // which shows as status 0): PUT replaces all, so send the others as saved.
        if (![0, 403, 404, 405].includes(err.status)) throw err;
        const body = Object.fromEntries(LINKS.map(([k]) => [k, current[k] ?? null]));
        body[key] = value;
        current = await put(`${c.base}/operate`, body);
      }
      return `${label} link ${value ? 'saved' : 'removed'}.`;
    });
    return form;
  });
  return [h('h2', {}, 'Operate'), h('p', {}, 'Links members see in this namespace, each shown to the members whose rights include it (e.g. Logs with "View app logs").'), ...forms];
}
