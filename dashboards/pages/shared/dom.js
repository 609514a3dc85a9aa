// Building DOM without innerHTML: data from the API only ever becomes text, never markup.

/**
 * `el('p', { class: 'note', id: 'x' }, 'text', child)`: attributes (null or false leave one
 * out, true sets it empty) and children (strings become text nodes; arrays are spread, so a
 * list can be passed as it is mapped; null, undefined and false are skipped).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === false || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...nodesOf(children));
  return node;
}

/** Replaces a node's children, given as `el` takes them: a redraw in one DOM operation. */
export function setChildren(node, ...children) {
  node.replaceChildren(...nodesOf(children));
}

/** Children as `el` takes them, as nodes: arrays spread, strings as text, null and false out. */
function nodesOf(children) {
  return children
    .flat(Infinity)
    .filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (typeof child === 'string' ? document.createTextNode(child) : child));
}

/** Sets an element's text only when it changed: a live page must not churn the DOM. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** `document.getElementById`, failing loudly when the page and its script disagree. */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

/**
 * Replaces a select's options (`{value, label}`), keeping the chosen value when it is still
 * offered, and touching nothing when they did not change: a refresh must not close an open list.
 */
export function setOptions(select, options) {
  const same =
    select.options.length === options.length &&
    options.every(
      (o, i) => select.options[i]?.value === o.value && select.options[i].text === o.label,
    );
  if (same) return;
  const chosen = select.value;
  select.replaceChildren(...options.map((o) => el('option', { value: o.value }, o.label)));
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}
