// A store that cannot be written (issue 12 item 5): $RAYTS_HOME on a full 5 MB tmpfs. The
// run must not claim success: it says so at the end and exits 4; what was printed stays.
import test from 'ava'
import {execa} from 'execa'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const root = join(import.meta.dirname, '..', '..')

function mountTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=5m', 'tmpfs', dir], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

const probe = mkdtempSync(join(tmpdir(), 'rayts-mount-probe-'))
const canMount = mountTmpfs(probe)
if (canMount) execFileSync('umount', [probe])
rmSync(probe, {recursive: true, force: true})
if (!canMount) console.log('full-disk.test.ts: skipped, `mount -t tmpfs` is not permitted here (run the tests as root)')

// RAYTS_RECORD_THREAD: the store written in the run's thread, and from a thread of its own
for (const thread of ['0', '1']) (canMount ? test.serial : test.serial.skip)(`$RAYTS_HOME on a full 5 MB tmpfs: results printed, then "could not be recorded", exit 4 (RAYTS_RECORD_THREAD=${thread})`, async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'rayts-full-'))
  const mnt = join(base, 'mnt')
  mkdirSync(mnt)
  t.true(mountTmpfs(mnt))
  try {
    const result = await execa(join(root, 'bin', 'dev.js'), ['run', join(import.meta.dirname, 'fixtures', 'big-values.yaml'), '--num-cpus', '2'], {
      cwd: root,
      reject: false,
      env: {RAYTS_HOME: join(mnt, 'home'), CI: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true', RAYTS_RECORD_THREAD: thread},
      timeout: 180_000,
    })
    t.is(result.exitCode, 4, result.stderr)
    t.regex(result.stdout, /big\[0\] .*Float64Array/, 'the results stay printed')
    t.regex(result.stderr, /could not write the run store: database or disk is full|ENOSPC/)
    t.regex(result.stderr, /the results of run \S+ could not be recorded|^Error: run \S+: its objects could not be kept in .* are recorded as failed/m)
    t.notRegex(result.stderr, /\n\s+at /, 'no stack trace')
  } finally {
    execFileSync('umount', [mnt])
    rmSync(base, {recursive: true, force: true})
  }
})
