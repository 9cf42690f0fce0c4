// Installation: the command to paste, the reconfiguration script, credentials.
import { h, replace, announce } from '../../dom.js';
import { get, post, del } from '../../api.js';
import { badge, confirmAction } from '../../ui.js';

export async function installationTab(c) {
  const inst = await get(`${c.base}/installation`);
  const script = h('pre', { class: 'script', id: 'installation-script', tabindex: 0, 'aria-label': 'Installation command' }, inst.installation_script);
  const copied = h('span', { role: 'status', class: 'notice' });
  const copy = h('button', { type: 'button', onclick: async () => {
    try {
      await navigator.clipboard.writeText(script.textContent);
    } catch {
      const range = document.createRange(); range.selectNodeContents(script);
      getSelection().removeAllRanges(); getSelection().addRange(range); document.execCommand('copy');
    }
    copied.textContent = 'Copied to the clipboard.';
    announce('Installation command copied');
  } }, 'Copy');
  const download = h('a', {
    href: URL.createObjectURL(new Blob([inst.reconfiguration_script], { type: 'text/x-shellscript' })),
    download: `reconfigure-${inst.parameters.namespace}.sh`,
  }, 'Download the reconfiguration script');
  c.ctx.onCleanup(() => URL.revokeObjectURL(download.href));

  const live = h('span', {}, badge(c.ns.status));
  c.onStatus = (ns) => replace(live, badge(ns.status));

  const rotateResult = h('p', { role: 'status' });
  const rotate = h('button', { type: 'button', class: 'danger', onclick: async () => {
    const ok = await confirmAction({ title: 'Rotate the agent credentials?', confirm: 'Rotate credentials',
      body: ['The agent\'s current secret stops working at once. The agent disconnects until the installation command (which then carries the new secret) is run again in the namespace.'] });
    if (!ok) return;
    rotateResult.className = '';
    try {
      const result = await post(`${c.base}/agent-credentials/rotate`, {});
      const fresh = await get(`${c.base}/installation`);
      script.textContent = fresh.installation_script;
      rotateResult.textContent = result.message;
    } catch (err) { rotateResult.className = 'error'; rotateResult.textContent = err.message; }
  } }, 'Rotate credentials…');

  const deleteResult = h('p', { class: 'error', role: 'alert' });
  const remove = h('button', { type: 'button', class: 'danger', onclick: async () => {
    const ok = await confirmAction({ title: `Delete namespace ${c.ns.name}?`, confirm: 'Delete namespace',
      body: ['The namespace leaves Cluster Manager with its members, plans and settings; its agent can no longer connect.',
        'What stays on the platform: the Kubernetes namespace and everything installed in it (the agent, the operator) keep running; remove them with kubectl or oc if you no longer need them.'] });
    if (!ok) return;
    deleteResult.textContent = '';
    try {
      await del(`${c.base}?confirm=true`);
      c.ctx.navigate(c.clusterPath);
    } catch (err) { deleteResult.textContent = err.message; remove.focus(); }
  } }, 'Delete namespace…');
  const p = inst.parameters;
  return [
    h('h2', {}, 'Install the agent'),
    h('p', {}, 'Run this in a shell that is logged in to the cluster (', h('code', {}, c.cluster.type === 'openshift' ? 'oc login' : 'kubectl'),
      '). It installs the operator and the agent into the namespace and ends with "Installation Successful". Agent status: ', live),
    script,
    h('div', { class: 'actions' }, copy, copied),
    h('h2', {}, 'Configure the namespace'),
    h('p', {}, 'The reconfiguration script walks through database, storage, ingress, registry and proxy (the same settings as the Plans and Configuration tabs). ', download, '.'),
    h('h2', {}, 'Agent parameters'),
    h('dl', { class: 'facts card' },
      h('dt', {}, 'API URL'), h('dd', {}, p.api_url),
      h('dt', {}, 'Namespace id'), h('dd', {}, h('code', {}, p.namespace_id)),
      h('dt', {}, 'Credential generation'), h('dd', {}, String(p.credential_generation)),
      h('dt', {}, 'Agent image'), h('dd', {}, p.agent_image),
      h('dt', {}, 'Operator image'), h('dd', {}, p.operator_image)),
    h('h2', {}, 'Credentials'),
    h('p', {}, 'Rotate the agent\'s credentials if they may have leaked.'),
    h('div', { class: 'actions' }, rotate), rotateResult,
    h('h2', {}, 'Delete'),
    h('p', {}, 'A namespace with environments cannot be deleted; delete its environments first.'),
    h('div', { class: 'actions' }, remove), deleteResult,
  ];
}
