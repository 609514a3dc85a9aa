/** A value whose every nested object and array is read-only. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * Freezes `value` and everything reachable from it, so a parsed config handed to several
 * modules cannot be changed by one of them behind the others' backs. Typed arrays (Buffers)
 * are skipped: the engine refuses to freeze them.
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  freeze(value, new Set());
  return value as DeepReadonly<T>;
}

function freeze(value: unknown, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  if (ArrayBuffer.isView(value)) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    freeze((value as Record<PropertyKey, unknown>)[key], seen);
  }
  Object.freeze(value);
}
