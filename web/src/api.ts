// The one way the app talks to the server: the HttpOnly session cookie (never a token in web
// storage), X-CSRF-Token on every state-changing request, problem+json errors as ApiError.
// While signed in, a 401 locks the screen and the request is retried after the user signs in
// again, so whatever they were doing (a save, a search) simply completes. Every answer's `Date`
// header keeps the app's idea of the server's clock current (src/clock.ts).
import { noteDateHeader } from './clock';

export interface FieldError {
  field: string;
  message: string;
  /** Stable code to translate by (required, min_length, range, …); `params` fill its message. */
  code?: string;
  params?: Record<string, unknown>;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  conflict?: { kind: string; id?: string };
  /** A refused submission whose safety answer was still recorded (monitoring). */
  risk_event?: {
    recorded: boolean;
    level: string;
    reasons?: { rule: string; text: string }[];
    /** For staff: the alerts it raised. */
    alerts?: { id: string; rule: string; severity: string; status: string }[];
  };
  crisis_resources?: { name: string; phone: string; description?: string; language?: string }[];
  safety_plan?: unknown;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public problem: Problem,
    public retryAfter?: number,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
  get sessionExpired(): boolean {
    return this.status === 401 && (this.problem.type ?? '').endsWith('/session-expired');
  }
}

let csrf = '';
let unauthorizedHandler: (() => Promise<void>) | null = null;
let activityHook: (() => void) | null = null;
let demo = false;

export function setCsrf(token: string): void {
  csrf = token;
}

/** Installed while signed in: resolves once the user has signed in again. */
export function setUnauthorizedHandler(fn: (() => Promise<void>) | null): void {
  unauthorizedHandler = fn;
}

/** Called after each answered request (the server counts it as activity). */
export function setActivityHook(fn: (() => void) | null): void {
  activityHook = fn;
}

/** True when the server marks its data as the synthetic demo. */
export function isDemo(): boolean {
  return demo;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SendOptions {
  /** Sent as `Idempotency-Key`: a retried POST with the same key and body is answered, not repeated. */
  idempotencyKey?: string;
}

/** A fresh random key (getRandomValues also works where randomUUID does not: plain http on a LAN). */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * One `Idempotency-Key` per answer set. A phone on a weak connection may send twice (no answer
 * came back, the person taps again): the same answers keep their key, so the server answers the
 * first submission instead of storing a second. Changed answers are a new submission, a new key.
 */
export function keyPerBody(): (body: unknown) => string {
  const keys = new Map<string, string>();
  return (body) => {
    const text = JSON.stringify(body);
    let k = keys.get(text);
    if (!k) keys.set(text, (k = newIdempotencyKey()));
    return k;
  };
}

async function send(method: string, path: string, body?: unknown, opts: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.idempotencyKey && method === 'POST') headers['Idempotency-Key'] = opts.idempotencyKey;
  if (UNSAFE.has(method) && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, { status: 0, title: 'network' });
  }
  noteDateHeader(res.headers.get('Date'));
  return res;
}

async function toError(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status };
  try {
    problem = { ...(await res.json()), status: res.status };
  } catch {
    /* a non-JSON error body: keep the status */
  }
  const ra = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, problem, Number.isFinite(ra) && ra > 0 ? ra : undefined);
}

/** A request without the lock-and-retry behaviour (login, logout, the first session probe). */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  if (res.headers.has('X-Pomost-Demo')) demo = true;
  if (!res.ok) throw await toError(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function api<T>(method: string, path: string, body?: unknown, opts: SendOptions = {}): Promise<T> {
  // Bounded: a server that keeps refusing a fresh session must not loop forever.
  for (let attempt = 0; ; attempt++) {
    const res = await send(method, path, body, opts);
    if (res.status === 401 && unauthorizedHandler && attempt < 3) {
      await unauthorizedHandler();
      continue;
    }
    if (res.headers.has('X-Pomost-Demo')) demo = true;
    if (!res.ok) throw await toError(res);
    activityHook?.();
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
}

/** Every page of a cursor-paginated list (small registries: staff, programs). */
export async function all<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const q: string = `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { items: T[]; next_cursor: string | null } = await api('GET', q);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}
