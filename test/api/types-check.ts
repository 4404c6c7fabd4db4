// Type tests of the library API, checked by `npm run typecheck` (tsc), never run: each
// `@ts-expect-error` line must be an error, or tsc fails with "unused directive".
import * as ray from '../../src/index.js'

declare const tasks: ray.RemoteModule<typeof import('./fixtures/tasks.mjs')>
declare const arrays: ray.RemoteModule<typeof import('../../graphs/arrays.mjs')>

export async function typeChecks(): Promise<void> {
  const makeArray = arrays.remote('makeArray', {numCpus: 0.25})
  const addArrays = arrays.remote('addArrays')
  const id1 = makeArray.remote(20)
  const id2 = makeArray.remote(20)
  // a ref to a Float64Array stands for a Float64Array
  const id3 = addArrays.remote(id1, id2)
  const sum: Float64Array = await ray.get(id3)
  const both: [Float64Array, Float64Array] = await ray.get([id1, id2])
  void sum
  void both

  // @ts-expect-error a string is not a number
  makeArray.remote('20')
  // @ts-expect-error a ref to a number is not a Float64Array
  addArrays.remote(tasks.remote('add').remote(1, 2), id2)
  // @ts-expect-error too few arguments
  addArrays.remote(id1)
  // @ts-expect-error not an export of the module
  arrays.remote('makeArrays')
  // @ts-expect-error get returns the resolved type
  const wrong: string = await ray.get(id3)
  void wrong

  // numReturns: N gives a tuple of refs, typed from the tuple the function returns
  const [upper, length] = tasks.remote('split').options({numReturns: 2}).remote('x')
  const u: string = await ray.get(upper)
  const n: number = await ray.get(length)
  void u
  void n
  // @ts-expect-error part 1 is a number
  const notText: string = await ray.get(length)
  void notText

  // commands: the output option decides the value's type
  const lines: string[] = await ray.get(ray.command(['ls'], {output: 'lines'}))
  const text: string = await ray.get(ray.command('echo hi'))
  void lines
  void text
  // @ts-expect-error an option that does not exist
  ray.command(['ls'], {outputs: 'lines'})

  // wait keeps the refs' type
  const {ready} = await ray.wait([id1, id2], {numReturns: 1, timeout: 2.5})
  const first: Float64Array = await ray.get(ready[0]!)
  void first
}
