// Small shared pieces: form fields with labels (for screen readers), live device data, toasts.
import { useEffect, useState, useId } from 'preact/hooks';
import { onChange } from './db.js';
import { T } from './texts.js';

/** Re-run an IndexedDB query whenever device data changes. */
export function useDevice(query, deps = []) {
  const [value, setValue] = useState(undefined);
  useEffect(() => {
    let alive = true;
    const run = () => query().then((v) => alive && setValue(v)).catch(() => {});
    run();
    const off = onChange(run);
    return () => {
      alive = false;
      off();
    };
  }, deps);
  return value;
}

export function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true), down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      removeEventListener('online', up);
      removeEventListener('offline', down);
    };
  }, []);
  return online;
}

export function Field({ label, hint, value, onInput, type = 'text', ...rest }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type={type} value={value ?? ''} onInput={(e) => onInput(e.currentTarget.value)} {...rest} />
      {hint && <small>{hint}</small>}
    </div>
  );
}

export function TextArea({ label, value, onInput, rows = 3, ...rest }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} value={value ?? ''} onInput={(e) => onInput(e.currentTarget.value)} {...rest} />
    </div>
  );
}

export function Select({ label, value, onChange: change, options, placeholder, ...rest }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => change(e.currentTarget.value)} {...rest}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {Object.entries(options).map(([k, v]) => (
          <option value={k}>{v}</option>
        ))}
      </select>
    </div>
  );
}

export function Check({ label, checked, onChange: change, ...rest }) {
  const id = useId();
  return (
    <div class="check">
      <input id={id} type="checkbox" checked={!!checked} onChange={(e) => change(e.currentTarget.checked)} {...rest} />
      <label for={id}>{label}</label>
    </div>
  );
}

export function Message({ kind = 'info', children }) {
  return (
    <p class={`msg msg-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export function errorText(e) {
  if (!e) return '';
  if (e.status === 403) return T.errors.forbidden;
  if (e.status === undefined) return T.errors.network;
  return e.message || T.errors.generic;
}

export function UrgencyBadge({ urgency }) {
  return <span class={`badge urg-${urgency}`}>{urgency}</span>;
}
