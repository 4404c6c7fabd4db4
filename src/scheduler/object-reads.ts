// The scheduler's port to the run's objects (objects/): values too big for a message stand
// in the results as references, and the scheduler reads one only where it must look inside
// it (a path into a result, a value made text, a command's stdin, a fan-out's source). The
// runtime injects the reader (runtime/object-reads.ts); a test may inject one that holds none.
export interface ObjectReads {
  /** `value` with every reference in it replaced by its object's value (`value` itself when it holds none) */
  loadRefs(value: unknown): unknown
  /** the object's value when `value` is one reference; else `value` itself */
  deref(value: unknown): unknown
}

/** reads for values that hold no references: each value is taken as it is */
export const NO_OBJECTS: ObjectReads = {loadRefs: (value) => value, deref: (value) => value}
