// Tiny DOM helpers: elements are built, never parsed from strings (no innerHTML),
// so API data can never become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';

/** Replace ``el``'s content; keyboard focus inside it stays where it was (live
 * views re-render on every poll, which must not throw the user's focus away). */
export function replace(el, ...children) {
  const active = document.activeElement;
  const index = active && el.contains(active) ? [...el.querySelectorAll(FOCUSABLE)].indexOf(active) : -1;
  el.replaceChildren();
  append(el, children);
  if (index >= 0) {
    const again = el.querySelectorAll(FOCUSABLE)[index];
    if (again && again.tagName === active.tagName) again.focus({ preventScroll: true });
  }
  return el;
}

let counter = 0;
export const uid = (prefix = 'id') => `${prefix}-${++counter}`;

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${seconds % 60} s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours} h ${m % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function ago(iso) {
  if (!iso) return '';
  return `${duration((Date.now() - new Date(iso).getTime()) / 1000)} ago`;
}

export function announce(text) {
  const region = document.getElementById('announce');
  if (region) { region.textContent = ''; setTimeout(() => { region.textContent = text; }, 50); }
}
