// pdf.js, loaded from the instance: the worker, character maps and standard fonts are
// bundled (vite.config.ts copies them to /pdfjs/). Eval stays off for the CSP.
import * as pdfjs from 'pdfjs-dist'
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl

export type PdfDocument = pdfjs.PDFDocumentProxy

// One worker for the page's lifetime: documents come and go (each signature reloads the
// PDF), the worker stays, so no document's teardown races another's start.
let worker: pdfjs.PDFWorker | null = null

export function openPdf(data: ArrayBuffer | Uint8Array): Promise<PdfDocument> {
  // pdf.js takes ownership of the buffer it is given: pass a copy.
  const bytes = data instanceof Uint8Array ? data.slice() : new Uint8Array(data.slice(0))
  worker ??= new pdfjs.PDFWorker()
  return pdfjs.getDocument({
    data: bytes,
    worker,
    isEvalSupported: false,
    cMapUrl: '/pdfjs/cmaps/',
    cMapPacked: true,
    standardFontDataUrl: '/pdfjs/standard_fonts/',
  }).promise
}
