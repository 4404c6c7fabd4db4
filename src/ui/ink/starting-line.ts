// `rayts: starting…` on the terminal at once, while Ink and React load (the bundled Ink
// chunk alone is ~1.1 MB of JavaScript: well over 100 ms on this machine). Written without
// a newline, and erased just before Ink draws its first frame on the same line, so nothing
// of it stays above the live region. Imports nothing of Ink.

export interface StartingLine {
  /** remove the line; the cursor is left at its start, where Ink draws */
  erase(): void
}

export function showStartingLine(stderr: NodeJS.WritableStream, color: boolean): StartingLine {
  const text = 'rayts: starting…'
  stderr.write(color ? `\u001B[2m${text}\u001B[22m` : text)
  let erased = false
  return {
    erase() {
      if (erased) return
      erased = true
      stderr.write('\r\u001B[2K')
    },
  }
}
