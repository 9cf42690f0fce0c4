// A namespace: its status (live) and tabs.  What a tab offers follows the
// caller's rights: the cluster manager sees everything; a member sees what
// the rights the namespace reports (my_rights) allow.
import { h, replace, when, duration } from '../dom.js';
import { get, enc } from '../api.js';
import { namespaceStatus, errorBox } from '../ui.js';
import { poll } from '../poll.js';
import { installationTab } from './tabs/installation.js';
import { membersTab } from './tabs/members.js';
import { operateTab } from './tabs/operate.js';
import { plansTab, configurationTab } from './tabs/plans.js';
import { environmentsTab } from './tabs/environments.js';
import { commandsTab } from './tabs/commands.js';
import { activityList } from './activity.js';

const TABS = [
  ['installation', 'Installation', (c) => c.creator, installationTab],
  ['members', 'Members', (c) => c.creator, membersTab],
  ['operate', 'Operate', () => true, operateTab],
  ['plans', 'Plans', () => true, plansTab],
  ['configuration', 'Configuration', () => true, configurationTab],
  ['environments', 'Environments', () => true, environmentsTab],
  ['commands', 'Commands', (c) => c.creator, commandsTab],
  ['activity', 'Activity', () => true, (c) => activityList(`${c.base}/activity`)],
];

export async function namespacePage(ctx, clusterId, name, tab) {
  const clusterPath = `/clusters/${enc(clusterId)}`;
  const base = `${clusterPath}/namespaces/${enc(name)}`;
  const [cluster, ns] = await Promise.all([get(clusterPath), get(base)]);
  const c = { ctx, cluster, ns, base, clusterPath, creator: cluster.my_role === 'creator', rights: new Set(ns.my_rights) };
  const visible = TABS.filter(([, , allowed]) => allowed(c));
  if (!visible.some(([id]) => id === tab)) tab = c.creator ? 'installation' : 'environments';
  const [, label, , build] = visible.find(([id]) => id === tab);
  ctx.title(`${name} · ${label}`);

  const status = h('span', { 'data-testid': 'namespace-status' }, namespaceStatus(ns));
  const facts = h('span', { class: 'muted' });
  const describe = (n) => replace(facts, n.status === 'connected'
    ? ` connected for ${duration(n.runtime_seconds)}` : n.last_seen ? ` last seen ${when(n.last_seen)}` : '');
  describe(ns);
  ctx.onCleanup(poll(async () => {
    const fresh = await get(base);
    replace(status, namespaceStatus(fresh));
    describe(fresh);
    c.onStatus?.(fresh);
  }));

  let body;
  try { body = await build(c); } catch (err) { body = errorBox(err); }
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'Clusters'), ' › ', h('a', { href: clusterPath }, cluster.name), ' › ', name),
    h('h1', {}, `Namespace ${name}`),
    h('p', {}, 'Status: ', status, facts, h('span', { class: 'muted' }, ` · ${ns.installation_type} installation`)),
    h('nav', { class: 'tabs', 'aria-label': 'Namespace sections' },
      visible.map(([id, text]) => h('a', { href: `${base}/${id}`, 'aria-current': id === tab ? 'page' : null }, text))),
    h('section', { 'aria-label': label }, body),
  ];
}
