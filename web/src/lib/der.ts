// A small DER encoder (ITU-T X.690) for the structures the browser builds itself (the
// GB/T 35275 envelope), and a reader used by the tests to take them apart again.

export type Der = Uint8Array

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n]
  const out: number[] = []
  while (n > 0) {
    out.unshift(n & 0xff)
    n = Math.floor(n / 256)
  }
  return [0x80 | out.length, ...out]
}

export function tlv(tag: number, content: Uint8Array): Der {
  const len = lengthBytes(content.length)
  const out = new Uint8Array(1 + len.length + content.length)
  out[0] = tag
  out.set(len, 1)
  out.set(content, 1 + len.length)
  return out
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export const sequence = (...items: Der[]) => tlv(0x30, concat(...items))
export const set = (...items: Der[]) => tlv(0x31, concat(...items))
export const octetString = (b: Uint8Array) => tlv(0x04, b)
// [n] EXPLICIT (constructed) and [n] IMPLICIT primitive.
export const explicit = (n: number, inner: Der) => tlv(0xa0 | n, inner)
export const implicitPrimitive = (n: number, content: Uint8Array) => tlv(0x80 | n, content)

export function smallInteger(v: number): Der {
  if (!Number.isInteger(v) || v < 0 || v > 127) throw new Error('smallInteger: 0..127 only')
  return tlv(0x02, Uint8Array.of(v))
}

export function oid(dotted: string): Der {
  const arcs = dotted.split('.').map((s) => {
    if (!/^\d+$/.test(s)) throw new Error('bad OID ' + dotted)
    return Number(s)
  })
  if (arcs.length < 2 || arcs[0] > 2) throw new Error('bad OID ' + dotted)
  const body: number[] = [arcs[0] * 40 + arcs[1]]
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f]
    let rest = Math.floor(arc / 128)
    while (rest > 0) {
      chunk.unshift((rest & 0x7f) | 0x80)
      rest = Math.floor(rest / 128)
    }
    body.push(...chunk)
  }
  return tlv(0x06, Uint8Array.from(body))
}

// ---- reading (tests, and checks of what the server sends) ----

export interface Element {
  tag: number
  content: Uint8Array
  end: number // offset after the element
}

export function read(b: Uint8Array, at = 0): Element {
  if (at + 2 > b.length) throw new Error('DER: truncated')
  const tag = b[at]
  let len = b[at + 1]
  let p = at + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4 || p + n > b.length) throw new Error('DER: bad length')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]
    p += n
  }
  if (p + len > b.length) throw new Error('DER: truncated')
  return { tag, content: b.subarray(p, p + len), end: p + len }
}

// The elements inside a constructed element's content.
export function children(content: Uint8Array): Element[] {
  const out: Element[] = []
  let at = 0
  while (at < content.length) {
    const e = read(content, at)
    out.push(e)
    at = e.end
  }
  return out
}

export function oidToString(content: Uint8Array): string {
  const arcs: number[] = [Math.floor(content[0] / 40), content[0] % 40]
  let v = 0
  for (let i = 1; i < content.length; i++) {
    v = v * 128 + (content[i] & 0x7f)
    if (!(content[i] & 0x80)) {
      arcs.push(v)
      v = 0
    }
  }
  return arcs.join('.')
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) throw new Error('not hex')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16)
  return out
}

export function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

export function bytesToBase64(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
  return btoa(s)
}
