// Every bad fixture produces exactly these problems (FILE:LINE:COL: message, FILE left out here).
import {join} from 'node:path'
import test from 'ava'
import {compileGraphFile, formatProblem} from '../../src/graph/index.js'

const dir = 'test/fixtures/bad'

const expected: Record<string, string[]> = {
  'args-on-cmd': ['6:5: args is for fn tasks only (a cmd list holds its arguments)'],
  'bad-duration': ['4:27: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)'],
  'bad-module-ext': ['2:9: module ./mod.py must be a .js, .mjs, .cjs, .ts, .mts file'],
  'bad-output-mode': ['4:27: output must be one of text, json, lines'],
  'bad-range-step': ['4:35: range step must not be 0'],
  'bad-retry-delay': ['4:16: retry_delay must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h'],
  'bad-task-id': ['4:3: bad task id "1abc": use letters, digits, _ and -, not starting with a digit or -'],
  'both': ['4:18: task a has both fn and cmd: a task is exactly one of them'],
  'cycle3': ['4:24: cycle: a -> b -> c -> a'],
  'duplicate-key': ['5:3: Map keys must be unique'],
  'dynamic-instance': ['6:27: !ref each.0: each fans out at run time, so its instances are not known yet: refer to all of it (!ref each)'],
  'empty-cmd': ['4:13: cmd must be a non-empty string (run by /bin/sh -c) or a non-empty list (argv)'],
  'empty-tasks': ['3:8: tasks must be a mapping of at least one task id to a task'],
  'export-missing': ['4:16: module ./mod.mjs has no export named "mak" (did you mean "make"?)'],
  'fanned-path': ['5:24: !ref a.total: a fans out: refer to one instance (!ref a.0) or to all (!ref a)'],
  'foreach-string': ['4:27: foreach must be a list, {range: N}, {range: [start, stop, step]} or !ref ID'],
  'function-unknown-key': ['4:22: unknown key "modul" in f (did you mean "module"?)'],
  'index-outside-foreach': ['4:25: !index is only allowed in a task with foreach (in its args, cmd, stdin or env)'],
  'instance-bracket-out-of-range': ['8:9: !ref a[5]: instance 5 is out of range: a has 2 instances (0..1)'],
  'instance-out-of-range': ['5:24: !ref a.3: instance 3 is out of range: a has 3 instances (0..2)'],
  'item-outside-foreach': ['4:25: !item is only allowed in a task with foreach (in its args, cmd, stdin or env)'],
  'export-in-comment': ['4:12: unknown function "shout": it is not in functions and module ./export-in-comment.mjs has no export by that name'],
  'module-syntax': ['module-syntax.mjs:3:25: syntax error: Expected ";" but found "2"'],
  'many-problems': ['4:27: timeout must be a duration: a number of seconds, or a string like 500ms, 2.5s, 1m, 1h (or null for none)', '5:24: unknown task "zz"', '5:33: !item is only allowed in a task with foreach (in its args, cmd, stdin or env)', '6:19: num_returns is for fn tasks only'],
  'max-calls-on-cmd': ['4:25: max_calls is for fn tasks only'],
  'merge-key': ['5:8: merge keys (<<) are not supported'],
  'missing-module': ['2:9: module ./nowhere.mjs does not exist (looked for <dir>/nowhere.mjs)'],
  'missing-tasks': ['1:1: missing required key "tasks"'],
  'missing-version': ['1:1: missing required key "version"'],
  'negative-retries': ['4:31: max_retries must be >= -1'],
  'neither': ['4:3: task a has neither fn nor cmd: a task is exactly one of them'],
  'not-a-map': ['1:1: the graph must be a mapping'],
  'num-returns-on-cmd': ['4:25: num_returns is for fn tasks only'],
  'output-on-fn': ['4:18: output is for cmd tasks only'],
  'part-beyond-num-returns': ['7:24: !ref s.2: s has num_returns: 2, so the part after it must be 0..1'],
  'ref-empty': ['4:25: !ref needs a task id (!ref ID)'],
  'ref-in-cwd': ['5:36: !ref is not allowed in cwd: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)'],
  'tag-in-options': [
    '3:18: !sub is not allowed in cwd: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)',
    '5:29: !ref is not allowed in resources: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)',
    '7:38: !ref is not allowed in timeout: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)',
    '8:48: !item is not allowed in retry_exceptions: options are plain values (tags stand in args, a cmd list, stdin, env and foreach)',
  ],
  'tag-in-plain-keys': [
    '2:7: !ref is not allowed in name: it takes a plain value',
    '3:14: !sub is not allowed in description: it takes a plain value',
    '6:16: !ref is not allowed in module: it takes a plain value',
    '7:16: !ref is not allowed in export: it takes a plain value',
  ],
  'ref-on-map': ['4:25: !ref takes a scalar (like !ref ID), not a collection'],
  'resources-bad': ['4:35: gpu must be a number'],
  'self-cycle': ['4:26: cycle: a -> a'],
  'stdin-on-fn': ['4:18: stdin is for cmd tasks only'],
  'string-cmd-tag': ['6:10: a string cmd may hold no tag: it runs as shell text exactly as written; pass results through env: {NAME: !ref ID} and write $NAME, or use a cmd list'],
  'sub-unclosed': ['5:20: !sub has a "${" without its closing "}" (write $${ for a literal ${)'],
  'syntax-error': ['5:1: Flow map in block collection must be sufficiently indented and end with a }'],
  'tabs': ['4:1: Tabs are not allowed as indentation'],
  'unknown-after': ['5:26: unknown task "frist" in after (did you mean "first"?)'],
  'unknown-fn-no-module': ['5:12: unknown function "make_arry": it is not in functions and there is no top-level module (did you mean "make_array"?)'],
  'unknown-fn': ['6:12: unknown function "make_aray": it is not in functions and module ./mod.mjs has no export by that name (did you mean "make_array"?)'],
  'unknown-output': ['5:11: unknown task "reslt" in outputs (did you mean "result"?)'],
  'unknown-ref': ['5:24: unknown task "id2" (did you mean "id1"?)'],
  'unknown-set-free': ['4:36: retry_exceptions must be true, false, or a list of error names (ValueError) and exit codes (exit:3)'],
  'unknown-tag': ['4:25: unknown tag !reff (the tags are !ref, !item, !index, !sub)'],
  'unknown-task-key': ['4:18: unknown key "max_retry" in task a (did you mean "max_retries"?)'],
  'unknown-top-key': ['3:1: unknown key "taks" at the top level (did you mean "tasks"?)'],
  'version-2': ['1:10: version must be 1'],
}

for (const [name, lines] of Object.entries(expected)) {
  test(`bad graph: ${name}`, (t) => {
    const file = join(dir, `${name}.yaml`)
    const r = compileGraphFile(file)
    if (r.ok) return t.fail(`${file} compiled`)
    // a problem inside a module names the module's file instead of the graph's
    const want = lines.map((l) => (/^[\w.-]+\.[cm]?[jt]s:/.test(l) ? `${dir}/${l}` : `${file}:${l.replace('<dir>', join(process.cwd(), dir))}`))
    t.deepEqual(r.problems.map(formatProblem), want)
  })
}

test('every bad fixture is in the table', async (t) => {
  const {readdirSync} = await import('node:fs')
  const names = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort()
  t.deepEqual(names, Object.keys(expected).sort())
  t.true(names.length >= 40)
})
