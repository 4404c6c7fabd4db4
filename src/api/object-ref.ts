// ObjectRef<T>: a future value of type T, made by `.remote()`. Pass it to another task as an
// argument (a dependency) or to `get`/`wait`.

declare const valueType: unique symbol

export class ObjectRef<T = unknown> {
  /** compile-time only: the value's type */
  declare readonly [valueType]: T

  /** @internal */
  constructor(
    /** @internal the session that made it */
    readonly session: object,
    /** @internal the instance index in the session's run */
    readonly inst: number,
    /** the task's instance name in the run (`makeArray_3`), as `rayts get RUN NAME` takes it */
    readonly task: string,
    /** @internal which of a `numReturns` task's values, or null for the whole value */
    readonly part: number | null,
  ) {}

  /** `makeArray_3`, or `split_1.0` for part 0 of a `numReturns` task (as `rayts get` takes it) */
  get name(): string {
    return this.part === null ? this.task : `${this.task}.${this.part}`
  }

  toString(): string {
    return `ObjectRef(${this.name})`
  }
}

/** the value type of a ref */
export type ValueOf<R> = R extends ObjectRef<infer T> ? T : never
