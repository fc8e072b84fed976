// A tiny DOM builder. Text always goes in as text nodes, never as HTML, so data from the server
// or the user cannot become markup. There is deliberately no way to set innerHTML or a `style`
// attribute (the CSP forbids inline styles).

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: any) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

// Set as DOM properties rather than attributes, so they reflect the live state of a control.
const PROPS = new Set(['value', 'checked', 'selected', 'indeterminate']);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'style') throw new Error('inline styles are not allowed (CSP)');
      if (typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      } else if (PROPS.has(k)) {
        (el as any)[k] = v;
      } else if (k === 'class') {
        el.className = String(v);
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces every child of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let seq = 0;
/** A unique id for label/aria associations. */
export function uid(prefix = 'f'): string {
  seq += 1;
  return `${prefix}-${seq}`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element: presentation attributes only (no `style`), text as text nodes. */
export function svg(tag: string, attrs?: Record<string, string | number | null | undefined | false> | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'style') throw new Error('inline styles are not allowed (CSP)');
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}
