// Loaded by ava before each test file (package.json "ava.require"): whatever a test starts
// without naming its own RAYTS_HOME (a worker's .ts cache, a store) lands in a temporary
// folder of this test file's process, never in the user's ~/.rayts. Removed when it exits.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const home = mkdtempSync(join(tmpdir(), 'rayts-test-home-'))
process.env.RAYTS_HOME = home
process.on('exit', () => rmSync(home, {recursive: true, force: true}))
