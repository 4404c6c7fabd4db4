// The scheduler's port to the run's objects (scheduler/object-reads.ts), made of objects/.
import {loadRefs, readObject} from '../objects/read.js'
import {isObjectPointer} from '../objects/ref.js'
import type {ObjectReads} from '../scheduler/object-reads.js'

export const objectReads: ObjectReads = {
  loadRefs: (value) => loadRefs(value),
  deref: (value) => (isObjectPointer(value) ? readObject(value) : value),
}
