// Values of every typed kind for the object store's tests: each typed array (holding at
// least `bytes` bytes), a Buffer, an ArrayBuffer and a view into a bigger buffer.

export function fill<T extends {length: number; [i: number]: number | bigint}>(a: T, big = false): T {
  for (let i = 0; i < a.length; i++) a[i] = (big ? BigInt(i * 7 - 3) : (i * 7) % 251) as never
  return a
}

export function typedValues(bytes: number): Record<string, () => unknown> {
  const n = (size: number): number => Math.ceil(bytes / size)
  return {
    Int8Array: () => fill(new Int8Array(n(1))),
    Uint8Array: () => fill(new Uint8Array(n(1))),
    Uint8ClampedArray: () => fill(new Uint8ClampedArray(n(1))),
    Int16Array: () => fill(new Int16Array(n(2))),
    Uint16Array: () => fill(new Uint16Array(n(2))),
    Int32Array: () => fill(new Int32Array(n(4))),
    Uint32Array: () => fill(new Uint32Array(n(4))),
    Float32Array: () => fill(new Float32Array(n(4))),
    Float64Array: () => fill(new Float64Array(n(8))).map((x) => x / 3),
    BigInt64Array: () => fill(new BigInt64Array(n(8)), true),
    BigUint64Array: () => new BigUint64Array(n(8)).map((_, i) => BigInt(i) * 3n),
    Buffer: () => Buffer.from(fill(new Uint8Array(n(1)))),
    ArrayBuffer: () => fill(new Uint8Array(n(1))).buffer,
    'a view into a bigger buffer': () => new Float64Array(fill(new Float64Array(n(8) * 2)).buffer, 8 * 100, n(8)),
  }
}
