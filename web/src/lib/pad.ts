// The model behind the handwritten-signature pad: strokes of points (mouse, pen or finger),
// drawn as smoothed curves, and exported cropped to the ink on a transparent background.

export interface Point {
  x: number
  y: number
  pressure: number // 0..1; 0.5 for devices without pressure
}

export type Stroke = Point[]

export interface Bounds {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

export function boundsOf(strokes: Stroke[], pad = 0): Bounds | null {
  let b: Bounds | null = null
  for (const s of strokes) {
    for (const p of s) {
      if (!b) b = { minX: p.x, minY: p.y, maxX: p.x, maxY: p.y }
      else {
        b.minX = Math.min(b.minX, p.x)
        b.minY = Math.min(b.minY, p.y)
        b.maxX = Math.max(b.maxX, p.x)
        b.maxY = Math.max(b.maxY, p.y)
      }
    }
  }
  if (!b) return null
  return { minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad }
}

// Enough ink to be a signature: some length of line, not a stray tap.
export function inkLength(strokes: Stroke[]): number {
  let n = 0
  for (const s of strokes) {
    for (let i = 1; i < s.length; i++) n += Math.hypot(s[i].x - s[i - 1].x, s[i].y - s[i - 1].y)
  }
  return n
}

export function isSignature(strokes: Stroke[]): boolean {
  return inkLength(strokes) >= 40
}

// Line width from pressure (pens) within [min, max].
export function widthFor(p: Point, min = 1.5, max = 4.5): number {
  return min + (max - min) * Math.min(Math.max(p.pressure, 0), 1)
}

// Draws strokes with quadratic curves through the midpoints (smooth lines from sparse
// pointer events).
export function drawStrokes(ctx: CanvasRenderingContext2D, strokes: Stroke[], color = '#1a1a6e', dx = 0, dy = 0) {
  ctx.strokeStyle = color
  ctx.fillStyle = color
  ctx.lineCap = 'round'
  ctx.lineJoin = 'round'
  for (const s of strokes) {
    if (s.length === 0) continue
    if (s.length === 1) {
      ctx.beginPath()
      ctx.arc(s[0].x - dx, s[0].y - dy, widthFor(s[0]) / 2, 0, Math.PI * 2)
      ctx.fill()
      continue
    }
    for (let i = 1; i < s.length; i++) {
      const a = s[i - 1]
      const b = s[i]
      const prev = i > 1 ? s[i - 2] : a
      ctx.lineWidth = widthFor(b)
      ctx.beginPath()
      ctx.moveTo((prev.x + a.x) / 2 - dx, (prev.y + a.y) / 2 - dy)
      ctx.quadraticCurveTo(a.x - dx, a.y - dy, (a.x + b.x) / 2 - dx, (a.y + b.y) / 2 - dy)
      if (i === s.length - 1) ctx.lineTo(b.x - dx, b.y - dy)
      ctx.stroke()
    }
  }
}

// The signature as a PNG (base64, no data: prefix), cropped to the ink plus a margin and
// drawn at `scale` times the pad's CSS pixels for a sharp picture in the PDF.
export function exportPng(strokes: Stroke[], scale = 3): string | null {
  const b = boundsOf(strokes, 8)
  if (!b) return null
  const w = Math.ceil((b.maxX - b.minX) * scale)
  const h = Math.ceil((b.maxY - b.minY) * scale)
  const canvas = document.createElement('canvas')
  canvas.width = Math.min(w, 4000)
  canvas.height = Math.min(h, 4000)
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  ctx.scale(scale, scale)
  drawStrokes(ctx, strokes, '#1a1a6e', b.minX, b.minY)
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '')
}
