// Forms built from GET /catalogue: a field's label, type, limits, whether it
// is required or secret (write-only) all come from the API's description.
import { h } from './dom.js';
import { field } from './ui.js';

/** Does a catalogue variant apply to this cluster ({cluster_type, platform})? */
export function applies(requires, cluster) {
  for (const [key, allowed] of Object.entries(requires || {})) {
    const value = key === 'cluster_type' ? cluster.type : cluster[key];
    if (!allowed.includes(value)) return false;
  }
  return true;
}

export function catalogueField(f, value) {
  const words = (name) => name.replace(/_/g, ' ');
  const hint = [f.description, f.secret ? 'Write-only: the saved value is never shown; enter it to set it.' : '',
    f.default_from ? `Empty: the same as the ${words(f.default_from)}.` : '',
    f.goes_with ? `Give it together with the ${words(f.goes_with)}, or neither.` : '',
    f.required ? '' : 'Optional.'].filter(Boolean).join(' ');
  if (f.type === 'boolean') {
    const id = `cf-${f.name}-${Math.random().toString(36).slice(2, 8)}`;
    const checked = value ?? f.default ?? false;
    return h('div', { class: 'field', 'data-field': f.name },
      h('label', {}, h('input', { type: 'checkbox', name: f.name, id, checked: Boolean(checked), 'aria-describedby': `${id}-hint` }), ' ', f.label),
      h('span', { class: 'hint', id: `${id}-hint` }, f.description),
      h('span', { class: 'problem', role: 'status' }));
  }
  const attrs = { autocomplete: f.secret ? 'new-password' : 'off' };
  if (f.type === 'integer') Object.assign(attrs, { min: f.minimum, max: f.maximum, step: 1, inputmode: 'numeric' });
  if (f.max_length) attrs.maxlength = f.max_length;
  if (f.min_length) attrs.minlength = f.min_length;
  const shown = f.secret ? '' : (value ?? f.default ?? '');
  return field({
    label: f.label, name: f.name, type: f.secret ? 'password' : f.type === 'integer' ? 'number' : 'text',
    value: shown === '***' ? '' : shown, hint, required: f.required, attrs,
  });
}

/** The values of ``fields`` in ``form``: empty optional ones left out, integers as numbers. */
export function readFields(fields, form) {
  const out = {};
  for (const f of fields) {
    const input = form.elements.namedItem(f.name);
    if (!input) continue;
    if (f.type === 'boolean') { out[f.name] = input.checked; continue; }
    const raw = input.value.trim();
    if (raw === '') continue;
    out[f.name] = f.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

/** Client-side check with the catalogue's pattern (the API checks again). */
export function patternProblems(fields, values) {
  const problems = [];
  for (const f of fields) {
    const v = values[f.name];
    if (typeof v !== 'string' || !f.pattern) continue;
    let re;
    try { re = new RegExp(f.pattern); } catch { continue; }
    if (!re.test(v)) problems.push({ field: f.name, problem: `Not a valid ${f.label.toLowerCase()}: ${f.description}` });
  }
  return problems;
}
