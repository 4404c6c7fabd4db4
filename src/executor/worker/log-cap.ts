// The per-attempt log cap, applied where the output is made (in the worker), so that
// neither the worker nor the runner holds more than the cap while a task floods its
// output: the first half passes through as it comes, the last half is kept in a window
// that slides, and at the end of the attempt a marker says how much was cut, then the tail.
import {formatBytes} from '../../format/units.js'

export type Stream = 'stdout' | 'stderr'
export type EmitLog = (fd: Stream, text: string) => void

export class LogCap {
  private readonly headMax: number
  private readonly tailMax: number
  private head = 0
  private tail: {fd: Stream; text: string}[] = []
  private tailSize = 0
  private dropped = 0
  private cutOn: Stream = 'stdout'

  constructor(
    private readonly emit: EmitLog,
    max: number,
  ) {
    this.headMax = Math.ceil(max / 2)
    this.tailMax = max - this.headMax
  }

  write(fd: Stream, text: string): void {
    if (this.head < this.headMax) {
      const room = this.headMax - this.head
      if (text.length <= room) {
        this.head += text.length
        return this.emit(fd, text)
      }
      this.head = this.headMax
      this.emit(fd, text.slice(0, room))
      this.cutOn = fd
      text = text.slice(room)
    }
    this.tail.push({fd, text})
    this.tailSize += text.length
    // slide the window: drop whole pieces from the front while the rest still fills it
    let drop = 0
    while (drop < this.tail.length - 1 && this.tailSize - this.tail[drop]!.text.length >= this.tailMax) {
      this.tailSize -= this.tail[drop]!.text.length
      this.dropped += this.tail[drop]!.text.length
      drop++
    }
    if (drop > 0) this.tail = this.tail.slice(drop)
  }

  /** the end of the attempt: the marker (when something was cut) and the tail */
  end(): void {
    const tail = this.tail
    const over = this.tailSize - this.tailMax
    if (over > 0) {
      // the oldest piece is cut in the middle
      tail[0] = {fd: tail[0]!.fd, text: tail[0]!.text.slice(over)}
      this.dropped += over
    }
    if (this.dropped > 0) {
      this.emit(this.cutOn, `\n[rayts: ${formatBytes(this.dropped, 'characters')} of output cut here: the log keeps the first and the last ${formatBytes(this.tailMax, 'characters')} of an attempt]\n`)
    }
    for (const piece of tail) this.emit(piece.fd, piece.text)
    this.tail = []
    this.tailSize = 0
    this.dropped = 0
  }
}
