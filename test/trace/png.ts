// A small PNG reader for tests: 8-bit RGB/RGBA (what Chromium's screenshots are), non-interlaced.
import {inflateSync} from 'node:zlib'

export interface Png {
  readonly width: number
  readonly height: number
  /** RGBA, 4 bytes a pixel */
  readonly pixels: Uint8Array
}

export function readPng(buf: Buffer): Png {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let off = 8
  let width = 0
  let height = 0
  let colorType = 0
  const idat: Buffer[] = []
  while (off < buf.length) {
    const len = buf.readUInt32BE(off)
    const type = buf.toString('ascii', off + 4, off + 8)
    const data = buf.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      const depth = data[8]
      colorType = data[9]!
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}`)
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') break
    off += 12 + len
  }
  const bpp = colorType === 6 ? 4 : 3
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * bpp
  const cur = new Uint8Array(stride)
  let prev = new Uint8Array(stride)
  const pixels = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp]! : 0
      const b = prev[i]!
      const c = i >= bpp ? prev[i - bpp]! : 0
      let pred = 0
      if (filter === 1) pred = a
      else if (filter === 2) pred = b
      else if (filter === 3) pred = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      cur[i] = (line[i]! + pred) & 0xff
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4
      pixels[o] = cur[x * bpp]!
      pixels[o + 1] = cur[x * bpp + 1]!
      pixels[o + 2] = cur[x * bpp + 2]!
      pixels[o + 3] = bpp === 4 ? cur[x * bpp + 3]! : 255
    }
    prev = Uint8Array.from(cur)
  }
  return {width, height, pixels}
}

/** how many pixels have each RGB colour */
export function colourCounts(png: Png): Map<number, number> {
  const counts = new Map<number, number>()
  for (let i = 0; i < png.pixels.length; i += 4) {
    const rgb = (png.pixels[i]! << 16) | (png.pixels[i + 1]! << 8) | png.pixels[i + 2]!
    counts.set(rgb, (counts.get(rgb) ?? 0) + 1)
  }
  return counts
}
