// Sizes and durations, read and printed by one module (issue 24 item 6, issue 21 item 13).
import test from 'ava'
import {DURATION_FORMS, formatBytes, formatDuration, formatSeconds, GiB, KiB, MiB, parseBytes, parseDuration, requireBytes, envBytes, TiB} from '../../src/format/units.js'

test('parseBytes: K, M, G, T are powers of 1024 whatever the spelling (1GB = 2^30 bytes)', (t) => {
  t.is(parseBytes('4096'), 4096)
  t.is(parseBytes('64k'), 64 * KiB)
  t.is(parseBytes('64KB'), 64 * KiB)
  t.is(parseBytes('64 KiB'), 64 * KiB)
  t.is(parseBytes('500MiB'), 500 * MiB)
  t.is(parseBytes('1GB'), 2 ** 30)
  t.is(parseBytes('1G'), GiB)
  t.is(parseBytes('1.5g'), 1.5 * GiB)
  t.is(parseBytes('.5M'), MiB / 2)
  t.is(parseBytes('1TB'), TiB)
  t.is(parseBytes(' 2 tib '), 2 * TiB)
  t.is(parseBytes('10b'), 10)
})

test('parseBytes: what is not a size is undefined', (t) => {
  for (const bad of ['', 'abc', '-5', '1.5', '1.5b', '5x', '1.5mm', '1 2', 'Infinity', '1e3', '1PB', '99999999999999T']) t.is(parseBytes(bad), undefined, bad)
})

test('requireBytes and envBytes: a clear message naming the flag or variable and the accepted forms; 0 is refused', (t) => {
  t.is(requireBytes('--object-store-memory', '2G'), 2 * GiB)
  for (const bad of ['abc', '-5', '0', '1.5 minutes']) {
    const e = t.throws(() => requireBytes('--object-store-memory', bad), {name: 'UsageError'})
    t.is(e?.message, `--object-store-memory: expected a size greater than 0: a whole number of bytes, or a number with a unit K, M, G or T (powers of 1024; KB, KiB alike), like 64K, 500MiB, 1.5G; got "${bad}"`)
  }
  t.regex(t.throws(() => requireBytes('RAYTS_HOME_BUDGET', 'x', {or: 'off'}))!.message, /^RAYTS_HOME_BUDGET: expected off, or a size greater than 0: /)
  t.is(envBytes({}, 'RAYTS_X', undefined), undefined)
  t.is(envBytes({RAYTS_X: ' '}, 'RAYTS_X', 7), 7)
  t.is(envBytes({RAYTS_X: '3k'}, 'RAYTS_X', 7), 3 * KiB)
  t.throws(() => envBytes({RAYTS_X: 'abc'}, 'RAYTS_X', 7), {message: /^RAYTS_X: expected a size greater than 0: .*; got "abc"$/})
})

test('formatBytes: rounded, then the unit picked', (t) => {
  t.is(formatBytes(0), '0 B')
  t.is(formatBytes(1023), '1023 B')
  t.is(formatBytes(300, 'characters'), '300 characters')
  t.is(formatBytes(KiB), '1 KiB')
  t.is(formatBytes(1536), '1.5 KiB')
  t.is(formatBytes(7 * MiB), '7 MiB')
  t.is(formatBytes(30 * MiB + 5), '30.0 MiB')
  t.is(formatBytes(190.4 * MiB), '190 MiB')
  t.is(formatBytes(MiB - 10), '1.0 MiB', '1023.99 KiB is 1.0 MiB, not 1024.0 KiB')
  t.is(formatBytes(GiB), '1 GiB')
  t.is(formatBytes(3 * TiB), '3 TiB')
  t.is(formatBytes(5000 * TiB), '5000 TiB')
})

test('parseDuration: seconds, or a number with ms, s, m, h', (t) => {
  const cases: [unknown, number][] = [[2, 2], [0.5, 0.5], ['7', 7], ['.5', 0.5], ['500ms', 0.5], ['2.5s', 2.5], [' 10 s ', 10], [' 1m ', 60], ['1h', 3600]]
  for (const [text, seconds] of cases) t.is(parseDuration(text), seconds, String(text))
  for (const bad of [-1, Number.NaN, Infinity, true, '-5', '-1s', 'abc', '5 seconds', '1d', '', 's', '1.2.3s', '1 m s', null, undefined, {}]) t.is(parseDuration(bad), undefined, String(bad))
  t.regex(DURATION_FORMS, /500ms, 2\.5s, 1m, 1h/)
})

test('formatDuration: three significant digits under a minute, then whole seconds, then whole minutes', (t) => {
  t.is(formatDuration(0), '0 s')
  t.is(formatDuration(0.85), '850 µs')
  t.is(formatDuration(0.9996), '1 ms', 'rounded before the unit is picked')
  t.is(formatDuration(12.5), '12.5 ms')
  t.is(formatDuration(999.6), '1 s')
  t.is(formatDuration(1250), '1.25 s')
  t.is(formatDuration(59_940), '59.9 s')
  t.is(formatDuration(59_960), '1 m 0 s')
  t.is(formatDuration(125_000), '2 m 5 s')
  t.is(formatDuration(-1250), '-1.25 s')
  t.is(formatDuration(Number.NaN), '')
})

test('formatDuration: 119.5 s to 120 s is 2 m 0 s, never 1 m 60 s; an hour likewise', (t) => {
  for (let ms = 119_000; ms <= 120_000; ms += 50) {
    const s = formatDuration(ms)
    t.notRegex(s, /60 s|60s/, `${ms} ms`)
    t.is(s, ms < 119_500 ? '1 m 59 s' : '2 m 0 s', `${ms} ms`)
  }
  t.is(formatDuration(3_599_400), '59 m 59 s')
  t.is(formatDuration(3_599_600), '1 h 0 m')
  t.is(formatDuration(7_170_000), '2 h 0 m', '1 h 59.5 m rounds to 2 h 0 m, not 1 h 60 m')
  t.is(formatDuration(3_690_000), '1 h 2 m')
})

test('formatSeconds: to the millisecond, for summaries', (t) => {
  t.is(formatSeconds(4.75), '4.750 s')
  t.is(formatSeconds(0.002), '0.002 s')
})
