#!/usr/bin/env node
// `rayts --version` is answered here without loading oclif: even bundled, oclif's start is
// most of that command (measured, load ~15: node -e 0 476 ms, --version through oclif 858 ms).
// It prints what oclif prints (its Config.userAgent); test/cli/version.test.ts compares them.
// Under WSL oclif says `wsl`: that case, and every other, goes to oclif.
import {readFileSync} from 'node:fs'
import {arch, platform, release} from 'node:os'

if (process.argv[2] === '--version' && !/microsoft/i.test(release())) {
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`)
} else {
  const {main} = await import('../dist/src/cli/main.js')
  await main(import.meta.url, false)
}
