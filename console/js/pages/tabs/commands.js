// Commands: ping the agent, and the history of commands with their state.
import { h, replace, when } from '../../dom.js';
import { get, post } from '../../api.js';
import { badge, errorBox } from '../../ui.js';
import { poll } from '../../poll.js';

export async function commandsTab(c) {
  const list = h('div');
  const result = h('p', { role: 'status' });
  async function refresh() {
    const page = await get(`${c.base}/commands?limit=25`);
    replace(list, page.items.length === 0 ? h('p', { class: 'muted' }, 'No commands sent yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Commands, newest first'),
      h('thead', {}, h('tr', {}, ['Sent', 'Command', 'State', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, page.items.map((cmd) => h('tr', { 'data-command': cmd.command_id },
        h('td', {}, when(cmd.created_at), h('div', { class: 'hint' }, cmd.requested_by || '')),
        h('td', {}, cmd.type),
        h('td', {}, badge(cmd.state)),
        h('td', { class: 'hint' }, cmd.error || (cmd.result ? JSON.stringify(cmd.result) : '—'))))))));
  }
  try { await refresh(); } catch (err) { replace(list, errorBox(err)); }
  c.ctx.onCleanup(poll(refresh));
  const ping = h('button', { type: 'button', onclick: async () => {
    result.className = ''; result.textContent = '';
    ping.disabled = true;
    try {
      const cmd = await post(`${c.base}/commands`, { type: 'ping' });
      result.textContent = `Ping sent (${cmd.state}); the history below updates by itself.`;
      await refresh();
    } catch (err) { result.className = 'error'; result.textContent = err.message; } finally { ping.disabled = false; }
  } }, 'Send ping');
  return [h('h2', {}, 'Commands'), h('p', {}, 'A ping checks that the agent receives commands and answers.'),
    h('div', { class: 'actions' }, ping), result, h('h3', {}, 'History'), list];
}
