// Calls kept fresh by polling (the HAP's list and the board share it; neither loads the other's code).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';

export const POLL_MS = 4000;

/** Calls kept fresh by polling with `updated_since` (the newest change seen). With `include: 'events'` (the
 * board) each call also carries its events and `delivery`, and a call whose offer was just delivered comes
 * back too: one request per poll, and a poll with nothing new is an empty answer. */
export function usePolledCalls({ include } = {}) {
  const [byId, setById] = useState({});
  const since = useRef(null);
  const timer = useRef(null);
  async function refresh() {
    try {
      const params = new URLSearchParams();
      if (since.current) params.set('updated_since', since.current);
      if (include) params.set('include', include);
      const q = params.toString();
      const calls = await api.get(`/api/calls${q ? `?${q}` : ''}`);
      if (calls.length) {
        setById((old) => {
          const next = { ...old };
          for (const c of calls) next[c.id] = c;
          return next;
        });
        const newest = calls.map((c) => c.changed_at || c.updated_at).filter(Boolean).sort().at(-1);
        if (newest) since.current = newest;
      }
    } catch {}
  }
  useEffect(() => {
    const loop = async () => {
      await refresh();
      timer.current = setTimeout(loop, POLL_MS);
    };
    loop();
    return () => clearTimeout(timer.current);
  }, []);
  const calls = Object.values(byId).sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  return { calls, refresh };
}
