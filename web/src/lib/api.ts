// The client of hetong's REST API (/api/v1, docs/api.md). The session lives in an httpOnly
// cookie set by the server (`"session": "cookie"` at login): scripts never see the token.
// Every request that changes something carries `X-Hetong-Client: web`, which the server
// requires of cookie sessions (with SameSite=Strict, a defence against cross-site requests).

export const API = '/api/v1'

// An RFC 9457 problem from the server, or a network failure (status 0).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title)
  }
  // The problem kind: "not-found", "failed-precondition", ... ("network" when no answer).
  get kind(): string {
    return this.type.replace(/^\/problems\//, '')
  }
}

export type Progress = (done: number, total: number) => void

export interface RequestOptions {
  body?: unknown // JSON, or a Blob/ArrayBuffer sent as it is
  contentType?: string
  idempotencyKey?: string
  query?: Record<string, string | number | boolean | undefined | null>
  signal?: AbortSignal
}

export function url(path: string, query?: RequestOptions['query']): string {
  let u = API + path
  if (query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
    }
    const s = q.toString()
    if (s) u += '?' + s
  }
  return u
}

// Makes a problem out of any answer that is not 2xx.
export async function problemOf(resp: Response): Promise<ApiError> {
  let type = '/problems/http-' + resp.status
  let title = resp.statusText
  let detail = ''
  try {
    const j = await resp.json()
    if (j && typeof j === 'object') {
      type = typeof j.type === 'string' ? j.type : type
      title = typeof j.title === 'string' ? j.title : title
      detail = typeof j.detail === 'string' ? j.detail : ''
    }
  } catch {
    // not JSON: keep the status line
  }
  const e = new ApiError(resp.status, type, title, detail)
  if (resp.status === 401) onUnauthenticated?.(e)
  return e
}

// Called when the server says the session is gone (the app shows the login page).
let onUnauthenticated: ((e: ApiError) => void) | undefined
export function setUnauthenticatedHandler(h: (e: ApiError) => void) {
  onUnauthenticated = h
}

function headersFor(method: string, opts: RequestOptions): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json' }
  if (method !== 'GET' && method !== 'HEAD') h['X-Hetong-Client'] = 'web'
  if (opts.idempotencyKey) h['Idempotency-Key'] = opts.idempotencyKey
  if (opts.body !== undefined) {
    h['Content-Type'] =
      opts.contentType ??
      (opts.body instanceof Blob || opts.body instanceof ArrayBuffer
        ? 'application/octet-stream'
        : 'application/json')
  }
  return h
}

function bodyFor(opts: RequestOptions): BodyInit | undefined {
  if (opts.body === undefined) return undefined
  if (opts.body instanceof Blob || opts.body instanceof ArrayBuffer) return opts.body
  return JSON.stringify(opts.body)
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  let resp: Response
  try {
    resp = await fetch(url(path, opts.query), {
      method,
      headers: headersFor(method, opts),
      body: bodyFor(opts),
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, '/problems/network', 'network', String((e as Error).message ?? e))
  }
  if (!resp.ok) throw await problemOf(resp)
  if (resp.status === 204) return undefined as T
  const ct = resp.headers.get('Content-Type') ?? ''
  if (ct.includes('json')) return (await resp.json()) as T
  return (await resp.text()) as unknown as T
}

export const get = <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query })
export const post = <T>(path: string, body?: unknown, opts: RequestOptions = {}) =>
  request<T>('POST', path, { ...opts, body: body ?? {} })
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body })
export const del = <T>(path: string) => request<T>('DELETE', path)

// Uploads with progress (fetch cannot report upload progress): XMLHttpRequest.
export function upload<T>(
  path: string,
  body: Blob,
  contentType: string,
  onProgress?: Progress,
  query?: RequestOptions['query'],
  idempotencyKey?: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    x.open('POST', url(path, query))
    x.withCredentials = true
    x.setRequestHeader('Content-Type', contentType)
    x.setRequestHeader('Accept', 'application/json')
    x.setRequestHeader('X-Hetong-Client', 'web')
    if (idempotencyKey) x.setRequestHeader('Idempotency-Key', idempotencyKey)
    x.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded, e.total)
    }
    x.onerror = () => reject(new ApiError(0, '/problems/network', 'network', 'the upload did not reach the server'))
    x.onload = async () => {
      const resp = new Response(x.response, {
        status: x.status,
        statusText: x.statusText,
        headers: { 'Content-Type': x.getResponseHeader('Content-Type') ?? '' },
      })
      if (!resp.ok) return reject(await problemOf(resp))
      try {
        resolve((await resp.json()) as T)
      } catch {
        reject(new ApiError(x.status, '/problems/invalid-response', 'invalid response', 'the server answered something that is not JSON'))
      }
    }
    x.responseType = 'arraybuffer'
    x.send(body)
  })
}

// Downloads a file with progress, as a Blob.
export async function download(path: string, onProgress?: Progress): Promise<Blob> {
  let resp: Response
  try {
    resp = await fetch(url(path), { credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, '/problems/network', 'network', String((e as Error).message ?? e))
  }
  if (!resp.ok) throw await problemOf(resp)
  const total = Number(resp.headers.get('Content-Length') ?? 0)
  const type = resp.headers.get('Content-Type') ?? 'application/octet-stream'
  if (!resp.body) return new Blob([await resp.arrayBuffer()], { type })
  const reader = resp.body.getReader()
  const parts: Uint8Array[] = []
  let done = 0
  for (;;) {
    const r = await reader.read()
    if (r.done) break
    parts.push(r.value)
    done += r.value.length
    onProgress?.(done, total || done)
  }
  return new Blob(parts as BlobPart[], { type })
}

// Offers a Blob to the user as a file.
export function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a')
  const href = URL.createObjectURL(blob)
  a.href = href
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}

// A key for one user action, so that a retry after a lost answer does not act twice.
export function newIdempotencyKey(prefix: string): string {
  const b = new Uint8Array(12)
  crypto.getRandomValues(b)
  return prefix + '-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

export interface Page<T> {
  items: T[]
  next_offset: number | null
}
