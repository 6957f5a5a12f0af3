// Turns any failure into a title, a hint (what to do) and the server's own words.
import { ApiError } from './api'
import { t } from './i18n'

export interface Described {
  title: string
  hint: string
  detail: string
  fromServer: boolean
}

const KNOWN = new Set([
  'network',
  'invalid-request',
  'invalid-argument',
  'unauthenticated',
  'permission-denied',
  'not-found',
  'already-exists',
  'failed-precondition',
  'idempotency-key-reused',
  'resource-exhausted',
  'rate-limited',
  'unsupported-media-type',
  'payload-too-large',
  'aborted',
  'internal',
  'unavailable',
])

export function describeError(e: unknown): Described {
  if (e instanceof ApiError) {
    const kind = KNOWN.has(e.kind) ? e.kind : e.status >= 500 ? 'internal' : 'invalid-request'
    return { title: t('error.title.' + kind), hint: t('error.hint.' + kind), detail: e.detail, fromServer: e.status > 0 }
  }
  const msg = e instanceof Error ? e.message : String(e)
  return { title: t('error.title.client'), hint: t('error.hint.client'), detail: msg, fromServer: false }
}
