// The phone rings for an offer (and the board for a new or escalated call) while the app is open: a Web Audio
// tone plus vibration. Browsers only let audio start after a tap, so the first tap anywhere unlocks it.
let ctx = null;

function unlock() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try {
    if (!ctx) ctx = new Ctx();
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  } catch {
    ctx = null;
  }
}

if (typeof window !== 'undefined') {
  for (const type of ['pointerdown', 'keydown', 'touchstart']) addEventListener(type, unlock, { capture: true, passive: true });
}

/** Ring: `pattern` is a list of [frequency Hz, seconds]; returns whether sound could play. */
export function ring(pattern = [[880, 0.25], [0, 0.1], [880, 0.25], [0, 0.1], [1175, 0.4]], vibrate = [300, 100, 300, 100, 500]) {
  try {
    navigator.vibrate?.(vibrate);
  } catch {}
  if (!ctx) return false;
  if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  let t = ctx.currentTime + 0.02;
  for (const [freq, dur] of pattern) {
    if (freq) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.4, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + dur + 0.02);
    }
    t += dur;
  }
  return true;
}

/** The board's shorter chime for a new or escalated call. */
export const chime = () => ring([[660, 0.18], [0, 0.06], [990, 0.3]], [200]);
