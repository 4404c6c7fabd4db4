// Where and why a text is not JSON. Run only when JSON.parse has refused it: V8's messages
// do not always carry a position ("Unexpected token '}', ... is not valid JSON").

export interface JsonSyntaxError {
  readonly offset: number
  readonly message: string
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y

/** The first error in `text`, or undefined if it is JSON after all. Iterative: any depth. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0
  const fail = (message: string, at = i): JsonSyntaxError => ({offset: Math.min(at, text.length), message})
  const skip = () => {
    while (WS.has(text.charCodeAt(i))) i++
  }
  /** open containers: '{' or '[' */
  const stack: string[] = []
  let expectValue = true
  for (;;) {
    skip()
    if (expectValue) {
      if (i >= text.length) return fail('the text ends where a value should be')
      const c = text[i]!
      if (c === '{' || c === '[') {
        stack.push(c)
        i++
        skip()
        const close = c === '{' ? '}' : ']'
        if (text[i] === close) {
          stack.pop()
          i++
          expectValue = false
          continue
        }
        if (c === '{') {
          const e = key()
          if (e) return e
        }
        continue
      }
      const e = scalar()
      if (e) return e
      expectValue = false
      continue
    }
    const top = stack[stack.length - 1]
    if (top === undefined) return i < text.length ? fail('more text after the JSON value') : undefined
    const close = top === '{' ? '}' : ']'
    if (text[i] === ',') {
      i++
      skip()
      if (top === '{') {
        const e = key()
        if (e) return e
      }
      expectValue = true
      continue
    }
    if (text[i] === close) {
      stack.pop()
      i++
      continue
    }
    return fail(i >= text.length ? `the text ends before a closing ${close}` : `expected ',' or '${close}'`)
  }

  function key(): JsonSyntaxError | undefined {
    skip()
    if (text[i] !== '"') return fail('expected a key in double quotes')
    const e = string()
    if (e) return e
    skip()
    if (text[i] !== ':') return fail("expected ':' after the key")
    i++
    expectValue = true
    return undefined
  }

  function string(): JsonSyntaxError | undefined {
    i++
    for (;;) {
      if (i >= text.length) return fail('a string is not closed')
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return undefined
      }
      if (c < 0x20) return fail('a control character in a string (write it as an escape, like \\n)')
      if (c === 0x5c) {
        ESCAPE.lastIndex = i
        if (!ESCAPE.test(text)) return fail('a bad escape in a string')
        i = ESCAPE.lastIndex
      } else i++
    }
  }

  function scalar(): JsonSyntaxError | undefined {
    const c = text[i]!
    if (c === '"') return string()
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length
        return undefined
      }
    }
    NUMBER.lastIndex = i
    if ((c === '-' || (c >= '0' && c <= '9')) && NUMBER.test(text)) {
      i = NUMBER.lastIndex
      return undefined
    }
    return fail(`expected a value, not ${JSON.stringify(c)}`)
  }
}
