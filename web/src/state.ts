// In-memory state only. Nothing here is ever written to the URL, localStorage, sessionStorage
// or IndexedDB: a reload or sign-out forgets the selected patient.
import type { Me, Program, User } from './types';
import { all, api } from './api';

export const state = {
  user: null as User | null,
  me: null as Me | null,
  /** Idle timeout of this session (the login answer says; staff default 15 minutes). */
  idleMs: 15 * 60_000,
  /** The patient whose chart is open. */
  selectedPatientId: null as string | null,
  /** The program whose on-call roster is shown. */
  selectedProgramId: null as string | null,
  /** The program shown on Today and Census ('' = all of the user's programs). */
  workProgramId: '' as string,
  /** The alert or crisis open on its screen. */
  selectedAlertId: null as string | null,
  selectedCrisisId: null as string | null,
  /** The screen a detail screen (alert, crisis) was opened from. */
  backPath: '/today' as string,
  /** The measure a patient is filling in. */
  selectedInstrument: null as string | null,
};

export { serverNow, syncClock } from './clock';

let programs: Promise<Program[]> | null = null;
const staffNames = new Map<string, Promise<string | null>>();

export function programsList(): Promise<Program[]> {
  if (!programs) {
    programs = all<Program>('/programs').catch((e) => {
      programs = null;
      throw e;
    });
  }
  return programs;
}

/** After a program is created or changed: the next programsList() asks the server again. */
export function forgetPrograms(): void {
  programs = null;
}

export async function programName(id: string | null | undefined): Promise<string | null> {
  if (!id) return null;
  const list = await programsList().catch(() => [] as Program[]);
  return list.find((p) => p.id === id)?.name ?? null;
}

/** A staff member's display name, or null when it is not visible to the caller. */
export function staffName(id: string): Promise<string | null> {
  let p = staffNames.get(id);
  if (!p) {
    p = api<{ display_name: string }>('GET', `/staff/${encodeURIComponent(id)}`)
      .then((s) => s.display_name)
      .catch(() => null);
    staffNames.set(id, p);
  }
  return p;
}

export function forgetStaffName(id: string): void {
  staffNames.delete(id);
}

export function isStaff(u: User | null): boolean {
  return !!u && u.role !== 'patient';
}
