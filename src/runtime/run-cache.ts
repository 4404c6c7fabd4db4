// One run's side of the result cache (the scheduler's InstanceCache): keys made from the
// instance's parts (cache/key.ts), looked up and stored in the store's `results`
// (store/result-cache.ts), and each keyed instance's parts kept for `rayts why`. Writes are
// buffered and made in one transaction every FLUSH_MS, and at close(), which the run calls
// before its object store settles (an entry copies the objects it refers to).
import {readObjectBytesOf} from '../objects/read.js'
import {loadRefs} from '../objects/read.js'
import {objectId, type ObjectPointer} from '../objects/ref.js'
import {createHash} from 'node:crypto'
import type {InstanceSpec, TaskSpec} from '../graph/model.js'
import {hashInputs} from '../cache/input-files.js'
import {keyOf, keyParts, type KeyParts} from '../cache/key.js'
import {ModuleCode, type ModuleDigest} from '../cache/module-code.js'
import type {CacheAnswer, CacheLookupInput, InstanceCache} from '../scheduler/cache-seam.js'
import type {Store} from '../store/db.js'
import {encodeHits} from '../store/cache-hits.js'
import {ResultEntries} from '../store/result-cache.js'

const FLUSH_MS = 20
/**
 * New entries are written less often: each commit writes every page it dirtied, and keys are
 * random, so a commit of a 20 ms batch dirtied about a page per entry. A 100k no-op run
 * filling the cache took 8.3-8.7 s with puts every 20 ms (2.4 s of it commits), 5.4-5.5 s
 * with puts every second (quiet machine). close() writes what is left.
 */
const PUT_FLUSH_MS = 1000

export interface RunCacheOptions {
  readonly store: Store
  readonly runId: string
  /** the graph file (or a session's script): `why` compares runs of the same file */
  readonly file: string
  /** the folder `inputs:` globs are relative to */
  readonly dir: string
  /** a cluster run: a hit's value is read here (workers cannot read this machine's files) */
  readonly inlineHits?: boolean
  readonly warn: (message: string) => void
}

/** name, key, task, findex, parts */
type KeyRow = [string, string, string, number | null, string]
/** `at`: when the result came (an entry's first use; it is written up to a second later) */
type Put = {readonly spec: InstanceSpec; readonly key: string; readonly value: unknown; readonly at: number}
type Asked = {readonly spec: InstanceSpec; readonly key: string; readonly parts: KeyParts; readonly answer: CacheAnswer}

export class RunCache implements InstanceCache {
  private readonly modules = new ModuleCode()
  private readonly entries: ResultEntries
  private readonly objectDigests = new Map<string, string>()
  private readonly inputsOf = new Map<TaskSpec, Record<string, string>>()
  private readonly notedModules = new Set<string>()
  private readonly digests = new Map<string, ModuleDigest>()
  private readonly refDigest = (ref: ObjectPointer): string => this.objectDigest(ref)
  private keyRows: KeyRow[] = []
  /** the hits since the last flush: their names and keys (one cache_hits row per flush) */
  private hitNames: string[] = []
  private hitKeys: string[] = []
  private moduleRows: ModuleDigest[] = []
  private puts: Put[] = []
  /** lookups asked since the last batch (answered together: one query) */
  private asked: Asked[] = []
  private batchQueued = false
  private timer: NodeJS.Timeout | null = null
  private lastPuts = Date.now()
  private closed = false
  private readonly q

  constructor(private readonly o: RunCacheOptions) {
    this.entries = new ResultEntries(o.store)
    const db = o.store.db
    this.q = {
      // one statement for a batch of rows ([name, key, task, findex, parts] each): a run()
      // per row cost more than the rows themselves (100,000 hits)
      keys: db.prepare(`INSERT OR REPLACE INTO cache_keys (run_id, name, key, file, task, findex, parts)
        SELECT ?, j.value ->> 0, j.value ->> 1, ?, j.value ->> 2, j.value ->> 3, j.value ->> 4 FROM json_each(?) AS j`),
      // (seq after the run's last row: a resumed run adds to its first session's rows)
      hits: db.prepare('INSERT INTO cache_hits (run_id, seq, names, keys) SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ? FROM cache_hits WHERE run_id = ?'),
      module: db.prepare('INSERT OR IGNORE INTO cache_modules (digest, files, packages) VALUES (?, ?, ?)'),
    }
  }

  wants(task: TaskSpec): boolean {
    return task.options.cache === true
  }

  lookup(input: CacheLookupInput, answer: CacheAnswer): void {
    const fn = input.spec.task.fn
    if (input.spec.task.kind !== 'fn' || !fn) return this.ask(input, undefined, answer)
    const known = this.digests.get(fn.module)
    if (known) return this.ask(input, known, answer) // no await per instance once the module is hashed
    this.modules.of(fn.module).then(
      (m) => {
        if (!this.digests.has(fn.module)) {
          this.digests.set(fn.module, m)
          this.noteModule(m)
        }
        this.ask(input, m, answer)
      },
      (error: Error) => {
        this.o.warn(`${input.spec.name}: not cached: its module's code could not be read (${error.message})`)
        answer(input.spec, {key: null, hit: false})
      },
    )
  }

  private ask({spec, ctx, refKeys}: CacheLookupInput, module: ModuleDigest | undefined, answer: CacheAnswer): void {
    const task = spec.task
    let key: string
    let parts: KeyParts
    try {
      let inputs: Record<string, string> | undefined
      if (task.kind === 'cmd') {
        inputs = this.inputsOf.get(task)
        if (!inputs) this.inputsOf.set(task, (inputs = hashInputs(this.o.dir, task.inputs ?? [])))
      }
      parts = keyParts(spec, {ctx, refKeys, refDigest: this.refDigest}, module?.digest, inputs)
      key = keyOf(parts)
    } catch (error) {
      this.o.warn(`${spec.name}: not cached: its key could not be made (${(error as Error).message})`)
      queueMicrotask(() => answer(spec, {key: null, hit: false})) // answers always come later
      return
    }
    this.asked.push({spec, key, parts, answer})
    if (this.batchQueued) return
    this.batchQueued = true
    setImmediate(this.answerAll)
  }

  /** the lookups asked since the last batch, in one query */
  private readonly answerAll = (): void => {
    this.batchQueued = false
    const asked = this.asked
    this.asked = []
    let found: ReturnType<ResultEntries['getMany']>
    try {
      found = this.entries.getMany(asked.map((a) => a.key))
    } catch (error) {
      this.o.warn(`the result cache could not be read (${(error as Error).message}): the tasks run`)
      found = asked.map(() => ({hit: false}))
    }
    for (let i = 0; i < asked.length; i++) {
      const {spec, key, parts, answer} = asked[i]!
      const got = found[i]!
      let value = got.hit ? got.value : undefined
      // the stored bytes go to the run's record as they are, unless the value is changed here
      let bytes = got.hit ? got.bytes : undefined
      let hit = got.hit
      if (!got.hit && got.warning) this.o.warn(`${spec.name}: ${got.warning}`)
      if (got.hit && this.o.inlineHits) {
        try {
          value = loadRefs(value)
          bytes = undefined
        } catch (error) {
          this.o.warn(`${spec.name}: cache entry ${key.slice(0, 12)} could not be read (${(error as Error).message}): running the task instead`)
          hit = false
        }
      }
      // a hit's parts are not kept (why compares with runs that computed, and names the
      // entry): its name and key go in the flush's one cache_hits row
      if (hit) {
        this.hitNames.push(spec.name)
        this.hitKeys.push(key)
        answer(spec, bytes ? {key, hit: true, value, bytes} : {key, hit: true, value})
      } else {
        this.keyRows.push([spec.name, key, spec.task.id, spec.index, JSON.stringify(toStored(parts))])
        answer(spec, {key, hit: false})
      }
    }
    this.schedule()
  }

  store(spec: InstanceSpec, key: string, value: unknown): void {
    if (this.closed) return
    this.puts.push({spec, key, value, at: Date.now()})
    this.schedule()
  }

  /** write what is buffered now (new entries only once a second, unless `all`) */
  flush(all = true): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const {keyRows, moduleRows, hitNames, hitKeys} = this
    const putsDue = all || Date.now() - this.lastPuts >= PUT_FLUSH_MS
    const puts = putsDue ? this.puts : []
    if (putsDue) {
      this.puts = []
      this.lastPuts = Date.now()
    }
    this.keyRows = []
    this.moduleRows = []
    this.hitNames = []
    this.hitKeys = []
    if (keyRows.length + moduleRows.length + hitNames.length > 0) try {
      this.o.store.db.transaction(() => {
        for (const m of moduleRows) this.q.module.run(m.digest, JSON.stringify(m.files), JSON.stringify(m.packages))
        if (keyRows.length > 0) this.q.keys.run(this.o.runId, this.o.file, JSON.stringify(keyRows))
        if (hitNames.length > 0) {
          const hits = encodeHits(hitNames, hitKeys)
          this.q.hits.run(this.o.runId, hits.names, hits.keys, this.o.runId)
        }
      })()
    } catch (error) {
      this.o.warn(`the cache's records could not be written (${(error as Error).message})`)
    }
    if (!putsDue) this.schedule()
    if (puts.length === 0) return
    this.entries.putMany(
      puts.map((p) => ({key: p.key, value: p.value, origin: {runId: this.o.runId, name: p.spec.name, task: p.spec.task.id}, at: p.at})),
      (i, error) => this.o.warn(`${puts[i]!.spec.name}: its result could not be stored in the cache (${error.message})`),
    )
  }

  /** flush, and store nothing after (call before the run's objects settle) */
  close(): void {
    this.flush()
    this.closed = true
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    const rowsWaiting = this.keyRows.length + this.hitNames.length + this.moduleRows.length > 0
    if (!rowsWaiting && this.puts.length === 0) return
    this.timer = setTimeout(() => this.flush(false), rowsWaiting ? FLUSH_MS : Math.max(FLUSH_MS, PUT_FLUSH_MS - (Date.now() - this.lastPuts)))
    this.timer.unref()
  }

  private noteModule(m: ModuleDigest): void {
    if (this.notedModules.has(m.digest)) return
    this.notedModules.add(m.digest)
    this.moduleRows.push(m)
  }

  /** an object-store reference counts by the bytes of its object (read once per run) */
  private objectDigest(ref: ObjectPointer): string {
    const id = objectId(ref)
    let d = this.objectDigests.get(id)
    if (d === undefined) {
      d = createHash('sha256').update(readObjectBytesOf(ref)).digest('hex')
      this.objectDigests.set(id, d)
    }
    return d
  }
}

/**
 * key parts as kept for `why`: each hash cut to 16 hex digits (they are compared, never
 * trusted for a hit); a small value's own encoding (`=…`, at most 36 characters) whole
 */
function toStored(parts: KeyParts): KeyParts {
  const cut = (h: string): string => (h.startsWith('=') ? h : h.slice(0, 17))
  const map = (o: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, cut(v)]))
  return {
    ...parts,
    args: parts.args.map(cut),
    options: map(parts.options),
    ...(parts.inputs ? {inputs: Object.fromEntries(Object.entries(parts.inputs).map(([k, v]) => [k, v === '<none>' ? v : cut(v)]))} : {}),
    ...(parts.item === undefined ? {} : {item: cut(parts.item)}),
  }
}
