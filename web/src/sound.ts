// An optional chime for new alerts. Off until the user switches it on (browsers allow audio only
// after a gesture, and a clinic screen must never start making noise by itself on load). The
// tone is synthesized with Web Audio: no media file to load.

let ctx: AudioContext | null = null;
let enabled = false;

export function soundOn(): boolean {
  return enabled;
}

/** Switched from a click: creates the audio context and plays the chime once as a sample. */
export function setSound(on: boolean): void {
  enabled = on;
  if (!on) return;
  try {
    ctx ??= new AudioContext();
    void ctx.resume();
    chime(false);
  } catch {
    enabled = false;
  }
}

/** Two soft tones; three for urgent alerts. */
export function chime(urgent: boolean): void {
  if (!enabled || !ctx) return;
  const notes = urgent ? [880, 660, 880] : [660, 880];
  const start = ctx.currentTime + 0.02;
  notes.forEach((freq, i) => {
    const osc = ctx!.createOscillator();
    const gain = ctx!.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t0 = start + i * 0.22;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.2);
    osc.connect(gain).connect(ctx!.destination);
    osc.start(t0);
    osc.stop(t0 + 0.21);
  });
}
