// An object keyed by user text (task ids, env names, resource names, function names): no
// prototype, so that `__proto__`, `constructor` or `toString` is a key like any other (an
// assignment of `__proto__` makes an own property, and no lookup finds Object.prototype).
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}
