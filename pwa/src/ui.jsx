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

/** A field's own error, beside it and announced with it (aria-describedby). */
function FieldError({ id, error }) {
  return error ? <small class="field-error" id={id}>{error}</small> : null;
}
const invalid = (id, error) => (error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-err` } : {});

export function Field({ label, hint, value, onInput, type = 'text', error, inputRef, ...rest }) {
  const id = useId();
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <input id={id} ref={inputRef} type={type} value={value ?? ''} onInput={(e) => onInput(e.currentTarget.value)} {...invalid(id, error)} {...rest} />
      <FieldError id={`${id}-err`} error={error} />
      {hint && <small>{hint}</small>}
    </div>
  );
}

export function TextArea({ label, value, onInput, rows = 3, error, ...rest }) {
  const id = useId();
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <textarea id={id} rows={rows} value={value ?? ''} onInput={(e) => onInput(e.currentTarget.value)} {...invalid(id, error)} {...rest} />
      <FieldError id={`${id}-err`} error={error} />
    </div>
  );
}

/** After a refused form renders its field errors: focus the first, scrolled clear of the sticky header. */
export function focusFirstError(root) {
  requestAnimationFrame(() => {
    const el = (root || document).querySelector('[aria-invalid="true"]');
    if (!el) return;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'center' });
  });
}

export function Select({ label, value, onChange: change, options, placeholder, error, ...rest }) {
  const id = useId();
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => change(e.currentTarget.value)} {...invalid(id, error)} {...rest}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {Object.entries(options).map(([k, v]) => (
          <option value={k}>{v}</option>
        ))}
      </select>
      <FieldError id={`${id}-err`} error={error} />
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
  if (e.message === 'timeout') return T.errors.timeout;
  if (e.status === undefined) return T.errors.network;
  return e.message || T.errors.generic;
}

export function UrgencyBadge({ urgency }) {
  return <span class={`badge urg-${urgency}`}>{urgency}</span>;
}

/**
 * A part fetched as its own chunk the first time it is drawn (precached by the service worker, so offline too):
 * parts a screen shows only after a tap stay out of that screen's first load. Draws nothing until loaded.
 */
export function lazy(load) {
  let Loaded = null;
  let pending = null;
  return function Lazy(props) {
    const [, setReady] = useState(false);
    useEffect(() => {
      if (Loaded) return;
      let alive = true;
      pending ||= load().then((C) => (Loaded = C), (e) => { pending = null; throw e; });
      pending.then(() => alive && setReady(true), () => {});
      return () => { alive = false; };
    }, []);
    return Loaded ? <Loaded {...props} /> : null;
  };
}
