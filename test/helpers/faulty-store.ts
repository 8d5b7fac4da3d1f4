import type { Store } from '../../src/store/store.js';

type Overrides = { [K in keyof Store]?: Store[K] extends (...args: infer A) => infer R ? (inner: Store, ...args: A) => R : never };

/** A store that behaves like `inner` except where a test overrides a method to inject a fault. */
export function withFaults(inner: Store, overrides: Overrides): Store {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const override = (overrides as Record<PropertyKey, ((inner: Store, ...args: unknown[]) => unknown) | undefined>)[key];
      if (override) return (...args: unknown[]) => override(target, ...args);
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function diskFull(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}
