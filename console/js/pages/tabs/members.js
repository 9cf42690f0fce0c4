// Members: who may do what in the namespace; invite, edit rights, remove.
import { h, replace, when } from '../../dom.js';
import { all, get, post, patch, del, enc } from '../../api.js';
import { field, select, onSubmit, badge, confirmAction, errorBox } from '../../ui.js';

const ROLE_NAMES = { developer: 'Developer', administrator: 'Administrator', custom: 'Custom' };

function roleFields(roles, member) {
  const role = member?.role || 'developer';
  const rights = new Set(member?.rights || []);
  const roleSelect = select(Object.entries(ROLE_NAMES), role);
  const boxes = h('fieldset', { class: 'rights', hidden: role !== 'custom' },
    h('legend', {}, 'Rights (Custom role)'),
    roles.rights.map((r) => h('div', {}, h('label', {},
      h('input', { type: 'checkbox', name: 'rights', value: r.id, checked: rights.has(r.id) }), ' ', r.description))));
  const explain = h('span', { class: 'hint' });
  const describe = () => {
    boxes.hidden = roleSelect.value !== 'custom';
    const granted = roles.roles[roleSelect.value];
    explain.textContent = granted ? `${ROLE_NAMES[roleSelect.value]}: ${granted.map((id) => roles.rights.find((r) => r.id === id)?.description || id).join('; ')}.` : 'Choose the rights below.';
  };
  roleSelect.addEventListener('change', describe);
  describe();
  return [field({ label: 'Role', name: 'role', control: roleSelect }), explain, boxes];
}

function roleBody(form) {
  const body = { role: form.elements.role.value };
  if (body.role === 'custom') body.rights = [...form.querySelectorAll('input[name=rights]:checked')].map((i) => i.value);
  return body;
}

export async function membersTab(c) {
  const roles = await get('/roles');
  const list = h('div');
  async function refresh() {
    let members;
    try { members = await all(`${c.base}/members`); } catch (err) { replace(list, errorBox(err)); return; }
    replace(list, members.length === 0 ? h('p', { class: 'muted' }, 'No members yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Members'),
      h('thead', {}, h('tr', {}, ['Email', 'Role', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, members.map((m) => memberRow(m))))));
  }
  function memberRow(m) {
    const row = h('tr', { 'data-member': m.email });
    const problem = h('p', { class: 'error', role: 'alert' });
    const edit = h('button', { type: 'button', class: 'secondary', onclick: () => {
      const form = h('form', { class: 'stack' }, ...roleFields(roles, m),
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save rights'),
          h('button', { type: 'button', class: 'secondary', onclick: () => refresh() }, 'Cancel')));
      onSubmit(form, async () => { await patch(`${c.base}/members/${enc(m.email)}`, roleBody(form)); await refresh(); });
      replace(row.lastChild, form);
      form.elements.role.focus();
    } }, 'Edit');
    const remove = h('button', { type: 'button', class: 'danger', onclick: async () => {
      const ok = await confirmAction({ title: `Remove ${m.email}?`, confirm: 'Remove member',
        body: [`${m.email} loses access to namespace ${c.ns.name}${m.status === 'pending' ? ', and the invitation link stops working' : ''}.`] });
      if (!ok) return;
      try { await del(`${c.base}/members/${enc(m.email)}?confirm=true`); await refresh(); } catch (err) { problem.textContent = err.message; }
    } }, 'Remove');
    return replace(row,
      h('td', {}, m.email),
      h('td', {}, ROLE_NAMES[m.role], m.role === 'custom' ? h('div', { class: 'hint' }, m.rights.join(', ').replace(/_/g, ' ')) : null),
      h('td', {}, badge(m.status), m.status === 'pending' && m.invitation_expires_at ? h('div', { class: 'hint' }, `until ${when(m.invitation_expires_at)}`) : null),
      h('td', {}, h('div', { class: 'actions' }, edit, remove), problem));
  }
  await refresh();

  const invite = h('form', { class: 'stack card', 'aria-labelledby': 'invite' },
    h('h2', { id: 'invite' }, 'Invite a member'),
    field({ label: 'Email', name: 'email', type: 'email', required: true, attrs: { autocomplete: 'off', maxlength: 254 },
      hint: 'The invitation (a link valid once) goes to this address; only this address can accept it.' }),
    ...roleFields(roles),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Send invitation')));
  onSubmit(invite, async () => {
    const email = invite.elements.email.value.trim();
    const result = await post(`${c.base}/members`, { email, ...roleBody(invite) });
    invite.elements.email.value = '';
    await refresh();
    return `Invitation ${result.invitation} to ${email}.`;
  });
  return [h('h2', {}, 'Members'), list, invite];
}
