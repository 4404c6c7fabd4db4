// The Node side of rayts-spawner (spawner.c): one small helper process that starts commands
// with posix_spawn, so that the Node process does not fork itself per command. Requests and
// replies are the frames spawner.c describes.
import {type ChildProcessByStdio, spawn} from 'node:child_process'
import type {Readable, Writable} from 'node:stream'

export interface SpawnRequest {
  readonly file: string
  readonly args: readonly string[]
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly stdin: Uint8Array
}

export interface SpawnEvents {
  /** the command started: its pid, which is also its process group */
  started(pid: number): void
  /** it did not start (errno as a positive number) */
  failed(errno: number): void
  stdout(chunk: Buffer): void
  stderr(chunk: Buffer): void
  /** the raw wait status */
  exited(status: number): void
  /** stdout and stderr are both closed (comes after `exited`) */
  closed(): void
}

const HEADER = 9

export class Spawner {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>
  private readonly users = new Map<number, SpawnEvents>()
  private nextId = 1
  private pending: Buffer | null = null
  private gone = false
  /** it never ran: nothing it was asked to start has started */
  unusable = false
  private heard = false

  constructor(binary: string) {
    // its own session: a Ctrl-C meant for rayts must not reach it; it exits when its stdin closes
    this.child = spawn(binary, [], {stdio: ['pipe', 'pipe', 'inherit'], detached: true})
    this.child.on('error', () => {
      this.unusable = true // it could not start (a binary built for another machine)
      this.die()
    })
    this.child.on('exit', () => {
      if (!this.heard) this.unusable = true // it said nothing: not a spawner that works here
      this.die()
    })
    this.child.stdin.on('error', () => {})
    this.child.stdout.on('data', (chunk: Buffer) => this.read(chunk))
    this.setRef(false)
  }

  /** it died: it starts nothing more */
  get lost(): boolean {
    return this.gone
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  spawn(request: SpawnRequest, events: SpawnEvents): void {
    if (this.gone) return events.failed(EAGAIN)
    const id = this.nextId++
    this.users.set(id, events)
    if (this.users.size === 1) this.setRef(true)
    const strings: string[] = [request.file, request.cwd, request.file, ...request.args]
    let envc = 0
    for (const key in request.env) {
      const value = request.env[key]
      if (value === undefined) continue
      strings.push(`${key}=${value}`)
      envc++
    }
    const text = Buffer.from(strings.join('\0') + '\0')
    const head = Buffer.allocUnsafe(HEADER + 12)
    head.writeUInt32LE(HEADER - 4 + 12 + text.length + request.stdin.length, 0)
    head[4] = 0x53 // 'S'
    head.writeUInt32LE(id, 5)
    head.writeUInt32LE(1 + request.args.length, 9)
    head.writeUInt32LE(envc, 13)
    head.writeUInt32LE(request.stdin.length, 17)
    this.child.stdin.write(request.stdin.length ? Buffer.concat([head, text, request.stdin]) : Buffer.concat([head, text]))
  }

  /** close its stdin: it SIGKILLs the groups it started, then exits */
  close(): void {
    this.child.stdin.end()
  }

  private read(chunk: Buffer): void {
    this.heard = true
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk
    let off = 0
    while (buf.length - off >= 4) {
      const length = buf.readUInt32LE(off)
      if (buf.length - off - 4 < length) break
      this.dispatch(buf[off + 4]!, buf.readUInt32LE(off + 5), buf.subarray(off + HEADER, off + 4 + length))
      off += 4 + length
    }
    this.pending = off < buf.length ? Buffer.from(buf.subarray(off)) : null
  }

  private dispatch(op: number, id: number, payload: Buffer): void {
    const user = this.users.get(id)
    if (!user) return
    switch (op) {
      case 0x50: // 'P'
        return user.started(payload.readInt32LE(0))
      case 0x46: // 'F'
        this.forget(id)
        return user.failed(payload.readInt32LE(0))
      case 0x4f: // 'O'
        return user.stdout(payload)
      case 0x45: // 'E'
        return user.stderr(payload)
      case 0x58: // 'X'
        return user.exited(payload.readInt32LE(0))
      case 0x43: // 'C'
        this.forget(id)
        return user.closed()
    }
  }

  private forget(id: number): void {
    this.users.delete(id)
    if (this.users.size === 0) this.setRef(false)
  }

  /** the helper died (killed from outside): its commands' fate is unknown, so they fail */
  private die(): void {
    if (this.gone) return
    this.gone = true
    const users = [...this.users.values()]
    this.users.clear()
    for (const user of users) user.failed(EAGAIN)
  }

  private setRef(ref: boolean): void {
    const handles = [this.child, this.child.stdout, this.child.stdin] as unknown as {ref(): void; unref(): void}[]
    for (const h of handles) ref ? h.ref() : h.unref()
  }
}

const EAGAIN = 11
