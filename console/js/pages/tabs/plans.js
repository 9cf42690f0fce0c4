// Plans and configuration sections, with forms built from GET /catalogue.
import { h, replace, when } from '../../dom.js';
import { all, get, post, patch, put, getCatalogue, enc } from '../../api.js';
import { field, select, onSubmit, badge, errorBox, setProblem, liveDns } from '../../ui.js';
import { applies, catalogueField, readFields, patternProblems } from '../../forms.js';

function settingsText(settings) {
  return Object.entries(settings || {}).map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`).join(' · ') || '—';
}

function checkPatterns(form, fields, values) {
  const problems = patternProblems(fields, values);
  problems.forEach((p) => setProblem(form, p.field, p.problem));
  if (problems.length) {
    const err = new Error(`Please correct: ${problems.map((p) => p.field).join(', ')}.`);
    err.details = problems;
    throw err;
  }
}

export async function plansTab(c) {
  const catalogue = await getCatalogue();
  const list = h('div');
  const typesOf = (kind) => catalogue.plans.find((p) => p.kind === kind).types.filter((t) => applies(t.requires, c.cluster));
  const planForm = c.creator ? buildPlanForm() : null;

  async function refresh() {
    let plans;
    try { plans = await all(`${c.base}/plans`); } catch (err) { replace(list, errorBox(err)); return; }
    replace(list, plans.length === 0 ? h('p', { class: 'muted' }, 'No plans yet.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Plans'),
      h('thead', {}, h('tr', {}, ['Plan', 'Kind', 'Type', 'State', 'Settings', c.creator ? 'Actions' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, plans.map((p) => {
        const problem = h('p', { class: 'error', role: 'alert' });
        const toggle = h('button', { type: 'button', class: 'secondary', onclick: async () => {
          try { await patch(`${c.base}/plans/${enc(p.name)}`, { active: !p.active }); await refresh(); } catch (err) { problem.textContent = err.message; }
        } }, p.active ? 'Deactivate' : 'Activate');
        const edit = h('button', { type: 'button', class: 'secondary', onclick: () => planForm.load(p) }, 'Edit');
        return h('tr', { 'data-plan': p.name },
          h('td', {}, p.name), h('td', {}, p.kind), h('td', {}, p.type),
          h('td', {}, badge(p.active ? 'active' : 'inactive')),
          h('td', { class: 'hint' }, settingsText(p.settings), h('div', {}, `updated ${when(p.updated_at || p.created_at)}`)),
          c.creator ? h('td', {}, h('div', { class: 'actions' }, edit, toggle), problem) : null);
      })))));
  }

  function buildPlanForm() {
    const kinds = catalogue.plans.map((p) => [p.kind, p.label]);
    const kindSelect = select(kinds, kinds[0][0]);
    const typeSelect = h('select');
    const note = h('p', { class: 'hint' });
    const fieldsBox = h('div', { class: 'stack' });
    const common = catalogue.plan_common || [];
    const form = h('form', { class: 'stack card', 'aria-labelledby': 'plan-form' },
      h('h2', { id: 'plan-form' }, 'Create or update a plan'),
      h('p', { class: 'hint' }, 'Saving a plan whose name exists updates it.'),
      ...common.map((f) => catalogueField(f)),
      field({ label: 'Kind', name: 'kind', control: kindSelect }),
      field({ label: 'Type', name: 'type', control: typeSelect }),
      note, fieldsBox,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save plan')));
    if (form.elements.name) liveDns(form.elements.name, form, 'name');
    const currentType = () => typesOf(kindSelect.value).find((t) => t.type === typeSelect.value);
    function showTypes(selected) {
      replace(typeSelect, typesOf(kindSelect.value).map((t) => h('option', { value: t.type, selected: t.type === selected }, t.label)));
      showFields();
    }
    function showFields(values = {}) {
      const t = currentType();
      note.textContent = t?.note || '';
      replace(fieldsBox, (t?.fields || []).map((f) => catalogueField(f, values[f.name])));
    }
    kindSelect.addEventListener('change', () => showTypes());
    typeSelect.addEventListener('change', () => showFields());
    showTypes();
    form.load = (plan) => {
      form.elements.name.value = plan.name;
      kindSelect.value = plan.kind;
      showTypes(plan.type);
      showFields(plan.settings);
      form.scrollIntoView({ block: 'start' });
      form.elements.name.focus();
    };
    onSubmit(form, async () => {
      const t = currentType();
      const values = readFields([...common, ...(t?.fields || [])], form);
      checkPatterns(form, common, values);
      const saved = await post(`${c.base}/plans`, { ...values, kind: kindSelect.value, type: typeSelect.value });
      await refresh();
      return `Plan ${saved.name} ${saved.result}.`;
    });
    return form;
  }

  const parts = [h('h2', {}, 'Plans'), h('p', { class: 'muted' }, 'Deactivated plans cannot be picked for new environments; environments using them keep running.'), list];
  if (c.creator) {
    const existing = h('form', { class: 'inline card', 'aria-labelledby': 'add-existing' },
      h('h2', { id: 'add-existing', class: 'full' }, 'Add an existing plan'),
      h('div', { class: 'grow' }, field({ label: 'Plan name', name: 'existing', required: true,
        hint: 'A plan of another namespace of this cluster, by name.', attrs: { autocomplete: 'off', maxlength: 63 } })),
      h('button', { type: 'submit' }, 'Add plan'));
    onSubmit(existing, async () => {
      const saved = await post(`${c.base}/plans`, { existing: existing.elements.existing.value.trim() });
      await refresh();
      return `Plan ${saved.name} ${saved.result}.`;
    });
    parts.push(planForm, existing);
  }
  await refresh();
  return parts;
}

export async function configurationTab(c) {
  const [catalogue, config] = await Promise.all([getCatalogue(), get(`${c.base}/configuration`)]);
  const parts = [h('h2', {}, 'Configuration'),
    h('p', { class: 'muted' }, 'Ingress, registry and proxy of this namespace; the agent receives every change at once (or when it next connects).')];
  for (const section of catalogue.sections) {
    const saved = config.sections?.[section.section];
    const settings = saved?.settings || {};
    const variants = section.variants.filter((v) => applies(v.requires, c.cluster));
    const key = (v) => JSON.stringify(v);
    const current = variants.find((v) => key(v.value) === key(settings[section.discriminator])) || variants[0];
    const summary = h('p', { class: 'hint' }, saved ? `Saved: ${settingsText(settings)} (${when(saved.updated_at)})` : 'Not configured yet.');
    if (!c.creator) { parts.push(h('h3', {}, section.label), summary); continue; }
    const chooser = select(variants.map((v) => [key(v.value), v.label]), key(current.value));
    const fieldsBox = h('div', { class: 'stack' });
    const note = h('p', { class: 'hint' });
    const variant = () => variants.find((v) => key(v.value) === chooser.value);
    const show = (values = {}) => {
      note.textContent = variant().note || '';
      replace(fieldsBox, variant().fields.map((f) => catalogueField(f, values[f.name])));
    };
    chooser.addEventListener('change', () => show());
    show(current === variants.find((v) => key(v.value) === key(settings[section.discriminator])) ? settings : {});
    const form = h('form', { class: 'stack card', 'aria-label': section.label },
      h('h3', {}, section.label), summary,
      field({ label: section.prompt || section.label, name: section.discriminator, control: chooser }),
      note, fieldsBox, h('div', { class: 'actions' }, h('button', { type: 'submit' }, `Save ${section.label.toLowerCase()}`)));
    onSubmit(form, async () => {
      const values = readFields(variant().fields, form);
      checkPatterns(form, variant().fields, values);
      const result = await put(`${c.base}/configuration/${enc(section.section)}`, { [section.discriminator]: variant().value, ...values });
      summary.textContent = `Saved: ${settingsText(result.settings)} (${when(result.updated_at)})`;
      return `${section.label} ${result.result || 'saved'}.`;
    });
    parts.push(form);
  }
  return parts;
}
