// Tiny DOM and SVG builders (no inline style attributes: the page's CSP forbids them).

const SVG_NS = "http://www.w3.org/2000/svg";

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** An SVG element with attributes and children (nodes or strings). */
export function svg(tag, attrs = {}, children = []) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** An HTML element with attributes and children (nodes or strings). */
export function html(tag, attrs = {}, children = []) {
  return build(document.createElement(tag), attrs, children);
}

/** A linear map from [d0, d1] to [r0, r1], with `invert`. */
export function linearScale(d0, d1, r0, r1) {
  const k = (r1 - r0) / (d1 - d0);
  const map = (value) => r0 + (value - d0) * k;
  map.invert = (pixel) => d0 + (pixel - r0) / k;
  return map;
}

