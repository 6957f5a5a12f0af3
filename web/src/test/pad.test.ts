import { describe, expect, it } from 'vitest'
import { boundsOf, inkLength, isSignature, widthFor } from '../lib/pad'

const p = (x: number, y: number, pressure = 0.5) => ({ x, y, pressure })

describe('signature pad model', () => {
  it('computes the ink bounds with a margin', () => {
    expect(boundsOf([])).toBeNull()
    expect(boundsOf([[p(10, 20), p(30, 5)], [p(50, 40)]], 2)).toEqual({ minX: 8, minY: 3, maxX: 52, maxY: 42 })
  })
  it('tells a signature from a stray tap', () => {
    expect(isSignature([[p(0, 0)]])).toBe(false)
    expect(isSignature([[p(0, 0), p(10, 0)]])).toBe(false)
    const s = [[p(0, 0), p(30, 0), p(30, 40)]]
    expect(inkLength(s)).toBe(70)
    expect(isSignature(s)).toBe(true)
  })
  it('maps pen pressure to line width within bounds', () => {
    expect(widthFor(p(0, 0, 0))).toBe(1.5)
    expect(widthFor(p(0, 0, 1))).toBe(4.5)
    expect(widthFor(p(0, 0, 7))).toBe(4.5)
  })
})
