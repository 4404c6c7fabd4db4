// Every live process group a process started, so that no exit path leaves one behind:
// close() kills them, and a synchronous 'exit' handler does as a last resort.
import {killGroup} from '../../core/kill-group.js'

export class GroupRegistry {
  private readonly groups = new Set<number>()
  private readonly onExit = (): void => this.killAll()
  private listening = false

  add(pgid: number): void {
    this.groups.add(pgid)
    if (!this.listening) {
      this.listening = true
      process.on('exit', this.onExit)
    }
  }

  delete(pgid: number): void {
    this.groups.delete(pgid)
  }

  get size(): number {
    return this.groups.size
  }

  /** SIGKILL every registered group, synchronously. */
  killAll(): void {
    for (const pgid of this.groups) {
      try {
        killGroup(pgid, 'SIGKILL')
      } catch {
        // EPERM: not ours any more (pid reused); nothing to do
      }
    }
    this.groups.clear()
  }

  dispose(): void {
    this.killAll()
    if (this.listening) process.off('exit', this.onExit)
    this.listening = false
  }
}
