// Shared by the program-operations screens (group session, schedule, placement, the patient's
// schedule and meeting log): shapes of their API resources, weeks and wall-clock times in the
// program's time zone. Loaded only with those screens (each is its own chunk).
import './ops.css';
import { locale, t } from './i18n';
import { localDay } from './format';
import { serverNow } from './state';

export type SessionKind = 'group' | 'individual' | 'psychiatrist' | 'family';

export interface Session {
  id: string;
  kind: SessionKind | string;
  program_id: string;
  group_id: string | null;
  track_id: string | null;
  title: string | null;
  date: string;
  starts: string;
  ends: string;
  room_id: string | null;
  staff_ids: string[];
  patient_ids?: string[];
  patient_count?: number;
  status: 'scheduled' | 'moved' | 'cancelled' | string;
  version: number;
  reason?: string | null;
}

export interface Group {
  id: string;
  program_id: string;
  track_id: string;
  name: string;
  kind: string;
  leader_id: string;
  co_leader_id: string | null;
  room_id: string | null;
  capacity: number;
  member_count: number;
  member_ids?: string[];
}

export interface Track {
  id: string;
  program_id: string;
  name: string;
  weekdays: string[];
  start: string;
  end: string;
}

export interface Room {
  id: string;
  name: string;
  capacity: number;
}

/** "YYYY-MM-DD" plus `n` days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

export function mondayOf(date: string): string {
  return addDays(date, -weekdayIndex(date));
}

/** Today's date in the program's zone, by the server's clock. */
export function todayIn(tz?: string): string {
  return localDay(new Date(serverNow()).toISOString(), tz);
}

/** The ISO week "YYYY-Www" of a date. */
export function isoWeek(date: string): string {
  const thursday = addDays(mondayOf(date), 3);
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const week1 = mondayOf(jan4);
  const [a, b] = [thursday, week1].map((s) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))));
  const n = Math.floor((a - b) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(n).padStart(2, '0')}`;
}

/** "Monday, 23 November" (a calendar date, shown as written). */
export function fmtDay(date: string, style: 'long' | 'short' = 'long'): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), {
    weekday: style,
    day: 'numeric',
    month: style,
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** "23 – 29 November 2026": the week starting on `monday`. */
export function fmtWeek(monday: string): string {
  const [y, m, d] = monday.split('-').map(Number);
  const f = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return f.formatRange(new Date(Date.UTC(y, m - 1, d)), new Date(Date.UTC(y, m - 1, d + 6)));
}

/** "18:00–21:00" in the program's zone. */
export function fmtTimes(starts: string, ends: string, tz?: string): string {
  const f = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone: tz });
  return f.formatRange(new Date(starts), new Date(ends));
}

/** "HH:MM" (24-hour, for <input type="time">) of an instant in the zone. */
export function wallTime(ts: string, tz?: string): string {
  const p = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: tz }).formatToParts(new Date(ts));
  const get = (k: string) => p.find((x) => x.type === k)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

function offsetMs(ms: number, tz?: string): number {
  const p = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (k: string) => Number(p.find((x) => x.type === k)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - ms;
}

/** The instant (RFC 3339, UTC) of a wall-clock date and "HH:MM" in the program's zone. */
export function zonedIso(date: string, time: string, tz?: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let ms = wall - offsetMs(wall, tz);
  ms = wall - offsetMs(ms, tz);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Minutes between two instants. */
export function minutesBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 60_000);
}

export function sessionKindLabel(kind: string): string {
  switch (kind) {
    case 'group':
      return t('schedule.kind_group');
    case 'individual':
      return t('schedule.kind_individual');
    case 'psychiatrist':
      return t('schedule.kind_psychiatrist');
    case 'family':
      return t('schedule.kind_family');
    default:
      return kind;
  }
}

export function sessionStatusLabel(status: string): string {
  switch (status) {
    case 'moved':
      return t('schedule.status_moved');
    case 'cancelled':
      return t('schedule.status_cancelled');
    default:
      return t('schedule.status_scheduled');
  }
}
