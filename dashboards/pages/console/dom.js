// Small DOM helpers. Text always goes in as text nodes, never as HTML: names, notes and
// messages come from devices and people.

/**
 * Creates an element: `h('button', { type: 'button', class: 'x', onclick: fn }, 'text', child)`.
 * `text` sets the text, `dataset` data attributes, `on…` listeners; `true` sets an empty
 * attribute; `false`, null and undefined set nothing.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** `document.getElementById`, failing loudly when the page and the script disagree. */
export function byId(id) {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the console page has no #${id}`);
  return el;
}

/**
 * Replaces a select's options, keeping the chosen value when it is still offered, and touching
 * nothing when the options did not change (a poll must not close an open list).
 */
export function setOptions(select, options) {
  const same =
    select.options.length === options.length &&
    options.every(
      (o, i) => select.options[i]?.value === o.value && select.options[i].text === o.label,
    );
  if (same) return;
  const chosen = select.value;
  select.replaceChildren(...options.map((o) => h('option', { value: o.value, text: o.label })));
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}
