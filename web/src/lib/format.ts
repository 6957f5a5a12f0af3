// Formatting for people: times, sizes, states, and validation results in plain words.
import { lang, t } from './i18n'
import type { ContractState, SignatureReport, ValidationReport } from './types'

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(lang.value === 'zh' ? 'zh-CN' : 'en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
}

export function formatBytes(n: number): string {
  if (n < 1024) return n + ' B'
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB'
  return (n / 1024 / 1024).toFixed(1) + ' MiB'
}

export const STATE_TONE: Record<ContractState, 'neutral' | 'info' | 'ok' | 'bad' | 'warn'> = {
  draft: 'neutral',
  sent: 'info',
  partially_signed: 'info',
  completed: 'ok',
  rejected: 'bad',
  revoked: 'bad',
  expired: 'warn',
}

export function stateLabel(s: string): string {
  return t('state.' + s)
}

// A time for an <input type="datetime-local"> value (local time) as RFC 3339 UTC.
export function localInputToIso(v: string): string | undefined {
  if (!v) return undefined
  const d = new Date(v)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

export type Verdict = 'valid' | 'invalid' | 'indeterminate'

export function verdictOf(s: SignatureReport): Verdict {
  if (s.indication === 'TOTAL_PASSED') return 'valid'
  if (s.indication === 'TOTAL_FAILED') return 'invalid'
  return 'indeterminate'
}

// One sentence about a signature, for someone who knows nothing of PAdES.
export function describeSignature(s: SignatureReport): string {
  const who = s.signerName || s.signer || t('verify.unknownSigner')
  const when = s.provenSigningTime || s.claimedSigningTime
  if (s.kind === 'document-timestamp') {
    return verdictOf(s) === 'valid'
      ? t('verify.sentence.timestampOk', { time: formatTime(s.provenSigningTime) })
      : t('verify.sentence.timestampBad', { why: s.message })
  }
  switch (verdictOf(s)) {
    case 'valid':
      return s.provenSigningTime
        ? t('verify.sentence.okProven', { who, time: formatTime(when) })
        : t('verify.sentence.okClaimed', { who, time: formatTime(when) || '—' })
    case 'invalid':
      return t('verify.sentence.bad', { who, why: s.message })
    default:
      return t('verify.sentence.unsure', { who, why: s.message })
  }
}

// What happened to the file after this signature, in words.
export function describeModifications(s: SignatureReport): string {
  if (s.coversWholeFile && s.modifications.length === 0) return t('verify.mods.none')
  const bad = s.modifications.filter((m) => !m.allowed)
  if (bad.length > 0) return t('verify.mods.disallowed', { n: bad.length })
  return t('verify.mods.allowedOnly', { n: s.modifications.length })
}

export function levelLabel(level: string): string {
  if (!level) return '—'
  const key = 'verify.level.' + level
  const text = t(key)
  return text === key ? level : text
}

export function overall(r: ValidationReport): 'valid' | 'invalid' | 'none' {
  if (r.signatures.length === 0) return 'none'
  return r.allPassed ? 'valid' : 'invalid'
}
