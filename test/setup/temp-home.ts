// Loaded by ava before each test file (package.json "ava.require"). Each test file's process
// gets one temporary folder, removed when it exits, that holds:
// - its RAYTS_HOME: whatever a test starts without naming its own (a worker's .ts cache, a
//   store) lands there, never in the user's ~/.rayts;
// - its TMPDIR: the temporary folders tests and the processes they start make go inside it,
//   so none is left in /tmp when a test forgets to remove its own.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {dropHotFolders} from './hot-folders.js'

const root = mkdtempSync(join(tmpdir(), 'rayts-test-'))
process.env.TMPDIR = root
process.env.RAYTS_HOME = join(root, 'home')
process.on('exit', () => {
  dropHotFolders(process.env.RAYTS_HOME!)
  rmSync(root, {recursive: true, force: true})
})
