// Calls kept fresh by polling (the HAP's list and the board share it; neither loads the other's code).
import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from './api.js';

export const POLL_MS = 4000;

/** Calls kept fresh by polling with `updated_since`: the cursor the server's last answer gave (`X-Next-Since`, a
 * little before that read, so a change that committed just after it still comes; never the newest change seen,
 * which a later commit can predate). With `include: 'events'` (the board) each call also carries its events and
 * `delivery`, and a call whose offer was just delivered comes back too: one request per poll, and once things are
 * still a poll is an empty answer. */
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
      let cursor = null;
      const calls = await request('GET', `/api/calls${q ? `?${q}` : ''}`, {
        onHeaders: (h) => { cursor = h.get('X-Next-Since'); },
      });
      if (calls.length) {
        setById((old) => {
          const next = { ...old };
          for (const c of calls) next[c.id] = c;
          return next;
        });
      }
      if (cursor) since.current = cursor;
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
