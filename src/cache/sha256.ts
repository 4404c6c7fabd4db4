// sha256 hex of one buffer or string in one call: crypto.hash (Node ≥ 20.12) skips the Hash
// object, about three times faster for the small inputs a cache key is made of (100,000 per
// fully cached run of 100,000 instances); older Nodes take the Hash path, same digest.
import {createHash} from 'node:crypto'
import * as crypto from 'node:crypto'

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string
const oneShot = (crypto as unknown as {hash?: OneShot}).hash

export const sha256Hex: (data: string | Uint8Array) => string = oneShot
  ? (data) => oneShot('sha256', data, 'hex')
  : (data) => createHash('sha256').update(data).digest('hex')
