#!/usr/bin/env -S node --import tsx
// Development entry: runs the TypeScript sources through tsx. oclif reads
// oclif.manifest.json even in development, and a stale one hides new commands and flags,
// so a manifest older than any command file is removed (`npm run build` makes it again).
// A fresh one stays: the built CLI and `npm pack` need it.
import {readdirSync, rmSync, statSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const manifest = fileURLToPath(new URL('../oclif.manifest.json', import.meta.url))
const newest = (dir) =>
  Math.max(0, ...readdirSync(dir, {withFileTypes: true}).map((e) => (e.isDirectory() ? newest(`${dir}/${e.name}`) : statSync(`${dir}/${e.name}`).mtimeMs))) // bounded: the command files
try {
  if (statSync(manifest).mtimeMs < newest(fileURLToPath(new URL('../commands', import.meta.url)))) rmSync(manifest, {force: true})
} catch {
  // no manifest: nothing to remove
}
const {main} = await import('../src/cli/main.ts')
await main(import.meta.url, true)
