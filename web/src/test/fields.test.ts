import { describe, expect, it } from 'vitest'
import { clampField, fieldAt, fromBox, moveField, overlaps, resizeField, toBox, MIN_SIZE } from '../lib/fields'

const A4 = { width: 595.28, height: 841.89 }

describe('fields', () => {
  it('converts between PDF points (lower-left origin) and screen pixels (top-left origin)', () => {
    const f = { page: 1, x: 60, y: 80, width: 160, height: 120 }
    const b = toBox(f, A4, 1.5)
    expect(b.left).toBeCloseTo(90)
    expect(b.top).toBeCloseTo((841.89 - 80 - 120) * 1.5)
    expect(b.width).toBeCloseTo(240)
    expect(b.height).toBeCloseTo(180)
    expect(fromBox(b, 1, A4, 1.5)).toEqual(f)
  })

  it('places a new field centred where it was dropped, inside the page', () => {
    const f = fieldAt(300, 400, 2, A4, 1)
    expect(f.page).toBe(2)
    expect(f.x + f.width / 2).toBeCloseTo(300, 1)
    expect(A4.height - (f.y + f.height / 2)).toBeCloseTo(400, 1)
    // dropped at the very corner: pushed back onto the page
    const c = fieldAt(0, 0, 1, A4, 1)
    expect(c.x).toBe(0)
    expect(c.y + c.height).toBeCloseTo(A4.height, 1)
  })

  it('keeps the server bounds: 20..600 points, on the page, rounded to 0.01 pt', () => {
    const f = clampField({ page: 1, x: -5, y: 900, width: 5, height: 1000 }, A4)
    expect(f.width).toBe(MIN_SIZE)
    expect(f.height).toBe(600)
    expect(f.x).toBe(0)
    expect(f.y + f.height).toBeLessThanOrEqual(A4.height + 0.01)
    expect(clampField({ page: 1, x: 10.123456, y: 10.987654, width: 100.555, height: 50 }, A4)).toEqual({
      page: 1,
      x: 10.12,
      y: 10.99,
      width: 100.56,
      height: 50,
    })
  })

  it('moves by screen pixels: down on screen is down in the PDF', () => {
    const f = { page: 1, x: 100, y: 100, width: 100, height: 50 }
    const m = moveField(f, 20, 40, A4, 2)
    expect(m.x).toBe(110)
    expect(m.y).toBe(80)
  })

  it('resizes from the lower-right corner, keeping the top edge', () => {
    const f = { page: 1, x: 100, y: 100, width: 100, height: 50 }
    const r = resizeField(f, 50, 30, A4, 1)
    expect(r.width).toBe(150)
    expect(r.height).toBe(80)
    expect(r.y + r.height).toBe(150)
    const tiny = resizeField(f, -500, -500, A4, 1)
    expect(tiny.width).toBe(MIN_SIZE)
    expect(tiny.height).toBe(MIN_SIZE)
  })

  it('detects overlapping fields on the same page only', () => {
    const a = { page: 1, x: 0, y: 0, width: 100, height: 100 }
    expect(overlaps(a, { ...a, x: 50 })).toBe(true)
    expect(overlaps(a, { ...a, x: 100 })).toBe(false)
    expect(overlaps(a, { ...a, page: 2 })).toBe(false)
  })
})
