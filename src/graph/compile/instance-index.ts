import type {InstanceSpec} from '../model.js'

/**
 * `CompiledGraph.instanceByName`, made on first use: nothing at run time looks instances up
 * by name, and the Map cost ~30 bytes and a hash insert per instance (1M in a wide graph).
 */
export class InstanceIndex implements ReadonlyMap<string, InstanceSpec> {
  private map: Map<string, InstanceSpec> | undefined

  constructor(private readonly instances: readonly InstanceSpec[]) {}

  private get byName(): Map<string, InstanceSpec> {
    if (this.map === undefined) {
      this.map = new Map()
      for (const inst of this.instances) this.map.set(inst.name, inst)
    }
    return this.map
  }

  get size(): number {
    return this.byName.size
  }
  get(name: string): InstanceSpec | undefined {
    return this.byName.get(name)
  }
  has(name: string): boolean {
    return this.byName.has(name)
  }
  forEach(fn: (value: InstanceSpec, key: string, map: ReadonlyMap<string, InstanceSpec>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.byName) fn.call(thisArg, v, k, this)
  }
  entries(): MapIterator<[string, InstanceSpec]> {
    return this.byName.entries()
  }
  keys(): MapIterator<string> {
    return this.byName.keys()
  }
  values(): MapIterator<InstanceSpec> {
    return this.byName.values()
  }
  [Symbol.iterator](): MapIterator<[string, InstanceSpec]> {
    return this.byName[Symbol.iterator]()
  }
}
