// Paths name screens only ("/patients", "/chart"): never a patient, an id or a search term.
// What a screen shows (which chart, which program) lives in memory state.
import { h, type Attrs, type Child } from './dom';

export interface Route {
  path: string;
  render: (view: HTMLElement) => void | Promise<void>;
}

let routes: Route[] = [];
let fallback = '/';
let onRoute: ((r: Route, focus: boolean) => void) | null = null;

export function startRouter(rs: Route[], defaultPath: string, cb: (r: Route, focus: boolean) => void): void {
  routes = rs;
  fallback = defaultPath;
  onRoute = cb;
  window.onpopstate = () => show(location.pathname, true);
  const known = routes.some((r) => r.path === location.pathname);
  if (!known) history.replaceState(null, '', fallback);
  show(location.pathname, false);
}

export function stopRouter(): void {
  window.onpopstate = null;
  routes = [];
  onRoute = null;
}

function show(path: string, focus: boolean): void {
  const r = routes.find((x) => x.path === path) ?? routes.find((x) => x.path === fallback);
  if (r && onRoute) onRoute(r, focus);
}

export function currentPath(): string {
  return location.pathname;
}

export function navigate(path: string): void {
  if (path !== location.pathname) history.pushState(null, '', path);
  show(path, true);
}

/** Re-renders the current screen (after a language change). */
export function refresh(): void {
  show(location.pathname, false);
}

/** An in-app link: a real <a href> (keyboard, middle-click) that navigates without a reload. */
export function link(path: string, attrs: Attrs, ...children: Child[]): HTMLAnchorElement {
  return h(
    'a',
    {
      href: path,
      ...attrs,
      onclick: (ev: MouseEvent) => {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        const before = attrs.onclick;
        if (typeof before === 'function') before(ev);
        navigate(path);
      },
    },
    ...children,
  );
}
