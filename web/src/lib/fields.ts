// Signature fields: the API speaks PDF points with the origin at the page's lower-left
// corner (docs/formats/contracts.md); the screen speaks CSS pixels from the top-left corner
// of the rendered page. These are the conversions and the rules a field must keep.
import type { Field } from './types'

export const MIN_SIZE = 20 // points, as the server requires
export const MAX_SIZE = 600
export const DEFAULT_WIDTH = 160
export const DEFAULT_HEIGHT = 90

export interface PageSize {
  width: number // points
  height: number
}

export interface Box {
  left: number // pixels
  top: number
  width: number
  height: number
}

export function toBox(f: Field, page: PageSize, scale: number): Box {
  return {
    left: f.x * scale,
    top: (page.height - f.y - f.height) * scale,
    width: f.width * scale,
    height: f.height * scale,
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100

export function fromBox(b: Box, pageNumber: number, page: PageSize, scale: number): Field {
  const width = b.width / scale
  const height = b.height / scale
  return clampField(
    {
      page: pageNumber,
      x: b.left / scale,
      y: page.height - b.top / scale - height,
      width,
      height,
    },
    page,
  )
}

// Keeps the field's size within the server's bounds and the field on its page; values are
// rounded to 0.01 pt as the server stores them.
export function clampField(f: Field, page: PageSize): Field {
  const width = Math.min(Math.max(f.width, MIN_SIZE), Math.min(MAX_SIZE, page.width))
  const height = Math.min(Math.max(f.height, MIN_SIZE), Math.min(MAX_SIZE, page.height))
  const x = Math.min(Math.max(f.x, 0), page.width - width)
  const y = Math.min(Math.max(f.y, 0), page.height - height)
  return { page: f.page, x: round2(x), y: round2(y), width: round2(width), height: round2(height) }
}

// A new field of the default size centred where it was dropped (pixels on the page).
export function fieldAt(px: number, py: number, pageNumber: number, page: PageSize, scale: number): Field {
  return fromBox(
    {
      left: px - (DEFAULT_WIDTH * scale) / 2,
      top: py - (DEFAULT_HEIGHT * scale) / 2,
      width: DEFAULT_WIDTH * scale,
      height: DEFAULT_HEIGHT * scale,
    },
    pageNumber,
    page,
    scale,
  )
}

// Moves a field by a pixel offset (dragging), staying on the page.
export function moveField(f: Field, dxPx: number, dyPx: number, page: PageSize, scale: number): Field {
  return clampField({ ...f, x: f.x + dxPx / scale, y: f.y - dyPx / scale }, page)
}

// Resizes from the lower-right corner (the top-left corner stays where it is).
export function resizeField(f: Field, dwPx: number, dhPx: number, page: PageSize, scale: number): Field {
  const top = f.y + f.height
  const width = Math.min(Math.max(f.width + dwPx / scale, MIN_SIZE), MAX_SIZE, page.width - f.x)
  const height = Math.min(Math.max(f.height + dhPx / scale, MIN_SIZE), MAX_SIZE, top)
  return clampField({ ...f, width, height, y: top - height }, page)
}

export function overlaps(a: Field, b: Field): boolean {
  return a.page === b.page && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}
