// Live alerts for staff: one EventSource on /api/v1/alerts/stream (cookie session, same origin)
// feeding an in-memory store of the alerts the user may see. Screens subscribe to it.
//
// - The stream opens first and the list of active alerts is read once it is open, so nothing
//   raised in between is missed; both carry whole alerts and the higher `version` wins.
// - The browser reconnects by itself after a network failure and sends Last-Event-ID.
// - The stream does not keep the session alive. At expiry the server sends `session_expired`
//   and closes: the screen locks, the stream pauses (screens say so), and after sign-in it
//   resumes from the last event seen (?last_event_id=, as a fresh EventSource cannot set the
//   header).
// - Reading the stream is not activity: nothing here polls, so an unattended screen still locks.
// - The stream also says when a patient the reader may see has checked in (`checkin` events: who,
//   when and the risk level, never the answers); Today keeps its check-in list current with them.
import { ApiError, api, request } from './api';
import { isLocked, lockScreen, onLockChange } from './lock';
import { chime } from './sound';
import type { Alert, Page, RiskLevel, Severity } from './types';

export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'paused';

export interface LiveChange {
  /** Alerts that arrived (or came back: repeat, severity raised) since the screen was drawn. */
  fresh: Alert[];
}

const SEVERITY_ORDER: Record<Severity, number> = { imminent: 0, high: 1, warning: 2, info: 3 };

/** A check-in as the stream announces it (no answers). */
export interface CheckinEvent {
  id: string;
  patient_id: string;
  program_id: string;
  local_date: string;
  submitted_at: string;
  on_behalf: boolean;
  risk: { level: RiskLevel };
}

const checkinListeners = new Set<(c: CheckinEvent) => void>();
const store = new Map<string, Alert>();
const freshIds = new Set<string>();
const listeners = new Set<(c: LiveChange) => void>();
let es: EventSource | null = null;
let status: LiveStatus = 'off';
let lastEventId = 0;
let listLoaded = false;
let retryTimer: number | undefined;
let failures = 0;
let unsubscribeLock: (() => void) | null = null;

export function liveStatus(): LiveStatus {
  return status;
}

/** Active (not resolved) alerts, most severe first, then the oldest first. */
export function activeAlerts(): Alert[] {
  return [...store.values()]
    .filter((a) => a.status !== 'resolved')
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        Date.parse(a.raised_at) - Date.parse(b.raised_at) ||
        a.id.localeCompare(b.id),
    );
}

export function isFresh(id: string): boolean {
  return freshIds.has(id);
}

/** The user has looked at it: no longer marked new. */
export function markRead(id: string): void {
  if (freshIds.delete(id)) emit([]);
}

export function hasLoaded(): boolean {
  return listLoaded;
}

export function onLive(fn: (c: LiveChange) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Check-ins as they arrive on the stream. */
export function onCheckin(fn: (c: CheckinEvent) => void): () => void {
  checkinListeners.add(fn);
  return () => checkinListeners.delete(fn);
}

function onCheckinEvent(ev: MessageEvent): void {
  const seq = Number(ev.lastEventId);
  if (Number.isFinite(seq) && seq > 0) lastEventId = Math.max(lastEventId, seq);
  let c: CheckinEvent;
  try {
    c = JSON.parse(ev.data) as CheckinEvent;
  } catch {
    return;
  }
  if (!c || typeof c.patient_id !== 'string') return;
  for (const fn of [...checkinListeners]) fn(c);
}

function emit(fresh: Alert[]): void {
  for (const fn of [...listeners]) fn({ fresh });
}

function setStatus(s: LiveStatus): void {
  if (s === status) return;
  status = s;
  emit([]);
}

function eventSeq(a: Alert): number {
  const n = Number(a.last_event_id);
  return Number.isFinite(n) ? n : 0;
}

/** Merges an alert (from the stream, a list or an action's answer). True when it changed. */
export function upsertAlert(a: Alert): boolean {
  const cur = store.get(a.id);
  if (cur && (cur.version > a.version || (cur.version === a.version && eventSeq(cur) >= eventSeq(a)))) return false;
  store.set(a.id, a);
  lastEventId = Math.max(lastEventId, eventSeq(a));
  return true;
}

/** Merges an action's answer and tells the screens. */
export function applyAlert(a: Alert): void {
  if (upsertAlert(a)) emit([]);
}

function isNews(prev: Alert | undefined, a: Alert): boolean {
  if (a.status === 'resolved') return false;
  if (!prev || prev.status === 'resolved') return true;
  if (SEVERITY_ORDER[a.severity] < SEVERITY_ORDER[prev.severity]) return true;
  // A repeat firing reopens an acknowledged alert.
  return prev.status === 'acknowledged' && a.status === 'open';
}

function onAlertEvent(ev: MessageEvent): void {
  let a: Alert;
  try {
    a = JSON.parse(ev.data) as Alert;
  } catch {
    return;
  }
  const seq = Number(ev.lastEventId);
  if (Number.isFinite(seq)) lastEventId = Math.max(lastEventId, seq);
  const prev = store.get(a.id);
  if (!upsertAlert(a)) return;
  const news = listLoaded && isNews(prev, a);
  if (news) {
    freshIds.add(a.id);
    chime(a.severity === 'imminent' || a.severity === 'high');
  } else if (a.status !== 'open') {
    freshIds.delete(a.id);
  }
  emit(news ? [a] : []);
}

async function loadList(): Promise<void> {
  try {
    let cursor: string | null = null;
    do {
      const q: string = `/alerts?status=active&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page<Alert> = await api<Page<Alert>>('GET', q);
      for (const a of page.items) upsertAlert(a);
      cursor = page.next_cursor;
    } while (cursor);
    listLoaded = true;
    emit([]);
  } catch {
    /* the stream still works; screens show what arrives */
  }
}

function connect(): void {
  disconnect();
  if (isLocked()) {
    setStatus('paused');
    return;
  }
  setStatus(listLoaded ? 'reconnecting' : 'connecting');
  const url = `/api/v1/alerts/stream${lastEventId > 0 ? `?last_event_id=${lastEventId}` : ''}`;
  const source = new EventSource(url, { withCredentials: true });
  es = source;
  source.addEventListener('open', () => {
    if (es !== source) return;
    failures = 0;
    setStatus('live');
    if (!listLoaded) void loadList();
  });
  source.addEventListener('alert', (ev) => onAlertEvent(ev as MessageEvent));
  source.addEventListener('checkin', (ev) => onCheckinEvent(ev as MessageEvent));
  source.addEventListener('session_expired', () => {
    if (es !== source) return;
    disconnect();
    setStatus('paused');
    void lockScreen();
  });
  source.addEventListener('error', () => {
    if (es !== source) return;
    if (source.readyState === EventSource.CONNECTING) {
      setStatus('reconnecting');
      return;
    }
    // Refused for good (the session ended, or the server answered an error): ask the server,
    // without counting as activity. A 401 locks the screen; the lock listener below resumes
    // after sign-in. Otherwise try again, less and less often.
    disconnect();
    setStatus('reconnecting');
    request('GET', '/auth/session')
      .then(retryLater)
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) void lockScreen();
        else retryLater();
      });
  });
}

function retryLater(): void {
  if (isLocked()) return;
  retryTimer = window.setTimeout(connect, Math.min(60_000, 3000 * 2 ** failures));
  failures += 1;
}

function disconnect(): void {
  window.clearTimeout(retryTimer);
  es?.close();
  es = null;
}

/** Reads the active alerts again (their reasons are in the reader's language). */
export function reloadAlerts(): void {
  if (status === 'off') return;
  const keep = new Map(store);
  void (async () => {
    store.clear();
    await loadList();
    // Resolved ones the list does not carry stay as they were; nothing arrived is lost.
    for (const [id, a] of keep) if (!store.has(id)) store.set(id, a);
    emit([]);
  })();
}

/** Starts the stream (staff who may see alerts). */
export function startLive(): void {
  if (status !== 'off') return;
  unsubscribeLock = onLockChange((locked) => {
    if (locked) {
      disconnect();
      setStatus('paused');
    } else {
      connect();
    }
  });
  connect();
}

export function stopLive(): void {
  disconnect();
  unsubscribeLock?.();
  unsubscribeLock = null;
  status = 'off';
}
