// The server's clock (tests run it simulated): countdowns and "today" use it, not the browser's.
// Login and session answers carry a precise `now`; every other answer carries a `Date` header
// (whole seconds), which keeps the estimate right when the server's clock moves on its own.
let offsetMs = 0;

/** Records the server's "now" from a login or session answer. */
export function syncClock(serverNow: string | undefined): void {
  const t = serverNow ? Date.parse(serverNow) : NaN;
  if (Number.isFinite(t)) offsetMs = t - Date.now();
}

/**
 * Records an answer's `Date` header. It is truncated to the second, so the estimate moves only
 * when it disagrees by more than that (a jump of the server's clock, or a drifting browser).
 */
export function noteDateHeader(value: string | null): void {
  const t = value ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) return;
  const estimate = t + 500 - Date.now();
  if (Math.abs(estimate - offsetMs) > 1000) offsetMs = estimate;
}

/** The current time by the server's clock. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}
