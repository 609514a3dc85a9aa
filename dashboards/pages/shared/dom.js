// Building DOM without innerHTML: data from the API only ever becomes text, never markup.

/**
 * `el('p', { class: 'note', id: 'x' }, 'text', child)`: attributes (null or false leave one
 * out, true sets it empty) and children (strings become text nodes; null is skipped).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === false || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Sets an element's text only when it changed: a live page must not churn the DOM. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
