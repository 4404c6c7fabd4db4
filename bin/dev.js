#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources through tsx. oclif reads
// oclif.manifest.json even in development, and a stale one hides new commands,
// so it is removed first (`npm run build` makes it again).
import {rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

rmSync(fileURLToPath(new URL('../oclif.manifest.json', import.meta.url)), {force: true})
const {main} = await import('../src/cli/main.ts')
await main(import.meta.url, true)
