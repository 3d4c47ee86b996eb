/**
 * The run config (`swanlab.config`, spec 1.4). Each change sends a JSON-safe snapshot to the
 * worker, which rewrites `files/config.yaml` and writes a SaveRecord (num -3).
 */

/** Values are stored JSON-safe: NaN → "NaN", ±Infinity → "Inf"/"-Inf", Date → ISO string, … */
export type ConfigValue = unknown;

/**
 * A run's config: `config.update({...})`, `config.set(k, v)`, `config.get(k)`, and property
 * access (`config.lr`, `config.lr = 0.1`) through the object {@link createConfig} returns.
 */
export interface Config {
  /** Merge keys into the config (later values replace earlier ones). */
  update(values: Record<string, unknown>): void;
  /** Set one key. */
  set(key: string, value: unknown): void;
  /** The stored (JSON-safe) value of a key. */
  get(key: string): ConfigValue;
  /** True when the key is set. */
  has(key: string): boolean;
  /** A copy of the whole config. */
  toJSON(): Record<string, unknown>;
  /** Any config key, read or assigned as a property. */
  [key: string]: unknown;
}

/** Convert a config value to what config.yaml can hold (spec 1.4 `parse()`). */
export function toJsonSafe(value: unknown, seen: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (value === Infinity) return 'Inf';
      if (value === -Infinity) return '-Inf';
      return value;
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'undefined':
      return null;
    case 'function':
    case 'symbol':
      return String(value);
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  seen.add(obj);
  try {
    if (obj instanceof Date) return obj.toISOString();
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) return Array.from(obj as ArrayLike<unknown>, (v) => toJsonSafe(v, seen));
    if (obj instanceof Set) return Array.from(obj, (v) => toJsonSafe(v, seen));
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of obj) out[String(k)] = toJsonSafe(v, seen);
      return out;
    }
    if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return toJsonSafe((obj as { toJSON(): unknown }).toJSON(), seen);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) out[k] = toJsonSafe((obj as Record<string, unknown>)[k], seen);
    return out;
  } finally {
    seen.delete(obj);
  }
}

const METHODS = new Set(['update', 'set', 'get', 'has', 'toJSON']);

/** Build a Config that calls `onChange(snapshot)` after each change. */
export function createConfig(initial: Record<string, unknown>, onChange: (snapshot: Record<string, unknown>) => void): Config {
  const data: Record<string, unknown> = Object.create(null);
  const snapshot = () => ({ ...data });
  const checkKey = (key: unknown): string => {
    if (typeof key !== 'string' || key === '') throw new TypeError(`config: key must be a non-empty string, got ${String(key)}`);
    if (METHODS.has(key)) throw new TypeError(`config: key ${JSON.stringify(key)} is reserved (a method name); use another key`);
    return key;
  };
  const api = {
    update(values: Record<string, unknown>): void {
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        throw new TypeError(`config.update(): expected a plain object, got ${values === null ? 'null' : typeof values}`);
      }
      const keys = Object.keys(values).map(checkKey);
      for (const k of keys) data[k] = toJsonSafe(values[k]);
      if (keys.length > 0) onChange(snapshot());
    },
    set(key: string, value: unknown): void {
      data[checkKey(key)] = toJsonSafe(value);
      onChange(snapshot());
    },
    get(key: string): unknown {
      return data[key];
    },
    has(key: string): boolean {
      return key in data;
    },
    toJSON(): Record<string, unknown> {
      return structuredClone(snapshot());
    },
  };
  for (const k of Object.keys(initial)) data[checkKey(k)] = toJsonSafe(initial[k]);
  return new Proxy(api as Config, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && !METHODS.has(prop)) return data[prop];
      return Reflect.get(target, prop, receiver);
    },
    set(_target, prop, value) {
      if (typeof prop !== 'string') return false;
      api.set(prop, value);
      return true;
    },
    has(_target, prop) {
      return typeof prop === 'string' && prop in data;
    },
    ownKeys() {
      return Object.keys(data);
    },
    getOwnPropertyDescriptor(_target, prop) {
      if (typeof prop === 'string' && prop in data) return { value: data[prop], enumerable: true, configurable: true, writable: true };
      return undefined;
    },
    deleteProperty() {
      return false;
    },
  });
}

/** The initial config, already JSON-safe, for the worker's first config.yaml. */
export function configSnapshot(config: Config): Record<string, unknown> {
  return config.toJSON();
}
