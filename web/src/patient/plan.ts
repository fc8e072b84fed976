// The patient's own safety plan, kept in memory once loaded (at start and after each check-in),
// so the Help screen shows it at once — also offline, and without a request.
import { api } from '../api';
import { state } from '../state';
import type { SafetyPlan, SafetyPlanContent } from '../types';

let plan: SafetyPlanContent | null | undefined;
let inflight: Promise<void> | null = null;

export function myPlan(): SafetyPlanContent | null | undefined {
  return plan;
}

export function setMyPlan(p: SafetyPlanContent | null | undefined): void {
  if (p !== undefined) plan = p;
}

/** Loads (or refreshes) the plan; resolves when done, whatever the outcome. */
export function loadMyPlan(): Promise<void> {
  const pid = state.me?.patient_id;
  if (!pid) return Promise.resolve();
  if (inflight) return inflight;
  inflight = api<SafetyPlan>('GET', `/patients/${encodeURIComponent(pid)}/safety-plan`)
    .then((sp) => {
      plan = sp.plan;
    })
    .catch(() => undefined)
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

/** The load in flight, if any (the Help screen waits for it rather than asking again). */
export function pendingPlan(): Promise<void> | null {
  return inflight;
}
