// Dates, times and numbers through Intl in the interface language's locale.
import { locale } from './i18n';

/** A calendar date "YYYY-MM-DD" (no time zone: shown as written). */
export function fmtDate(d: string | null | undefined, style: 'medium' | 'long' | 'full' = 'medium'): string {
  if (!d) return '';
  const [y, m, day] = d.split('-').map(Number);
  if (!y || !m || !day) return d;
  return new Intl.DateTimeFormat(locale(), { dateStyle: style, timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, day)),
  );
}

/** An instant, shown in `timeZone` (the clinic's) or the browser's own. */
export function fmtDateTime(ts: string | null | undefined, timeZone?: string): string {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(d);
}

/** "Mon 23 Nov, 08:00 – Tue 24 Nov, 08:00" in the clinic's time zone. */
export function fmtRange(start: string, end: string, timeZone?: string): string {
  const f = new Intl.DateTimeFormat(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  const a = new Date(start);
  const b = new Date(end);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return `${start} – ${end}`;
  return f.formatRange(a, b);
}

export function fmtNumber(n: number, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: maxFractionDigits }).format(n);
}

/** Whole days from the calendar date `from` to today (local calendar). */
export function daysSince(from: string, today = new Date()): number {
  const [y, m, d] = from.split('-').map(Number);
  const a = Date.UTC(y, m - 1, d);
  const b = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.floor((b - a) / 86_400_000);
}

/** Age in whole years on `today`. */
export function age(birth: string, today = new Date()): number {
  const [y, m, d] = birth.split('-').map(Number);
  let a = today.getFullYear() - y;
  if (today.getMonth() + 1 < m || (today.getMonth() + 1 === m && today.getDate() < d)) a -= 1;
  return a;
}

/** The value of an <input type="datetime-local"> as an RFC 3339 instant in the browser's zone. */
export function localInputToIso(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Today's date, long form, in `timeZone` (the clinic's) or the browser's own. `now` is the
 * server's clock (serverNow()): the browser's may be wrong, and in tests the server's is simulated.
 */
export function fmtToday(timeZone: string | undefined, now: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeZone }).format(new Date(now));
}

/** "08:05" in the clinic's time zone (or the browser's). */
export function fmtTime(ts: string | null | undefined, timeZone?: string): string {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone }).format(d);
}

/** "23 Nov, 08:05": a recent instant, without the year and weekday. */
export function fmtShortDateTime(ts: string | null | undefined, timeZone?: string): string {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(d);
}

/** "in 4 minutes" / "3 minutes ago", from `now` (the server's clock). */
export function fmtRelative(ts: string, now: number): string {
  const diff = Date.parse(ts) - now;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto', style: 'long' });
  const abs = Math.abs(diff);
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

/** A calendar date in the clinic's zone, "YYYY-MM-DD" (for grouping by day). */
export function localDay(ts: string, timeZone?: string): string {
  const d = new Date(ts);
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(d);
  return parts;
}
