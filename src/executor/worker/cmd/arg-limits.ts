// Why exec refused a command with E2BIG, in the user's terms. Linux takes at most
// MAX_ARG_STRLEN bytes per argument or environment string (NAME=value), and all of them
// together (with their pointers) within a quarter of the stack limit (ulimit -s), at least
// ARG_MAX_FLOOR bytes.

const MAX_ARG_STRLEN = 131_072
const ARG_MAX_FLOOR = 131_072
const KiB = (n: number): string => `${Math.ceil(n / 1024)} KiB`

export function tooBig(file: string, args: readonly string[], env: NodeJS.ProcessEnv): string {
  const strings: [what: string, text: string][] = args.map((arg, i) => [`argument ${i + 1}`, arg])
  for (const [k, v] of Object.entries(env)) if (v !== undefined) strings.push([`env ${k}`, `${k}=${v}`])
  let total = Buffer.byteLength(file) + 1
  let worst = {what: '', bytes: 0}
  for (const [what, text] of strings) {
    const bytes = Buffer.byteLength(text) + 1
    total += bytes + 8
    if (bytes > worst.bytes) worst = {what, bytes}
  }
  const why =
    worst.bytes > MAX_ARG_STRLEN
      ? `its ${worst.what} is ${KiB(worst.bytes)}, over Linux's limit of 128 KiB (MAX_ARG_STRLEN, ${MAX_ARG_STRLEN} bytes) for one argument or env value`
      : `its arguments and environment take ${KiB(total)} together, over Linux's limit for all of them (a quarter of the stack limit, ulimit -s; at least ${KiB(ARG_MAX_FLOOR)})`
  return `cannot run ${file}: the argument list is too long (E2BIG): ${why}. Pass big values on stdin (the stdin option) or in a file`
}
