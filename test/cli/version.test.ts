// bin/run.js answers `--version` without oclif: the same line oclif prints (Config.userAgent).
import test from 'ava'
import {Config} from '@oclif/core'
import {execFileSync} from 'node:child_process'
import {join} from 'node:path'
import {ROOT} from './helpers.js'

test('rayts --version prints what oclif would', async (t) => {
  const config = await Config.load(ROOT)
  const out = execFileSync(process.execPath, [join(ROOT, 'bin/run.js'), '--version', 'ignored'], {encoding: 'utf8', env: {...process.env, NODE_ENV: ''}})
  t.is(out, `${config.userAgent}\n`)
})
