import { beforeEach, describe, expect, it } from 'vitest'
import { describeModifications, describeSignature, overall, verdictOf } from '../lib/format'
import { setLang } from '../lib/i18n'
import type { SignatureReport, ValidationReport } from '../lib/types'

function sig(over: Partial<SignatureReport> = {}): SignatureReport {
  return {
    field: 'Signature1',
    kind: 'signature',
    subFilter: 'ETSI.CAdES.detached',
    indication: 'TOTAL_PASSED',
    subIndication: '',
    message: 'the signature is valid',
    signer: 'CN=张三,C=CN',
    signerName: '张三',
    signerSerial: '01',
    issuer: 'CN=hetong SM2 CA',
    chain: [],
    signatureAlgorithm: 'sm2-sm3',
    digestAlgorithm: 'sm3',
    claimedSigningTime: '2026-11-26T10:00:00.000Z',
    provenSigningTime: '2026-11-26T10:00:01.000Z',
    level: 'B-LT',
    revocation: [],
    revision: 2,
    coversWholeFile: true,
    certification: false,
    reason: '',
    location: '',
    modifications: [],
    warnings: [],
    ...over,
  }
}

describe('validation results in plain words', () => {
  beforeEach(() => setLang('en'))

  it('says who signed and that a time-stamp proves when', () => {
    const s = describeSignature(sig())
    expect(s).toContain('张三')
    expect(s).toContain('time-stamp proves')
  })

  it('says when only the signer claims the time', () => {
    expect(describeSignature(sig({ provenSigningTime: '' }))).toContain('claims')
  })

  it('gives the reason of a failure', () => {
    const s = sig({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', message: 'the document was changed after signing' })
    expect(verdictOf(s)).toBe('invalid')
    expect(describeSignature(s)).toContain('NOT valid: the document was changed after signing')
    expect(verdictOf(sig({ indication: 'INDETERMINATE' }))).toBe('indeterminate')
  })

  it('tells allowed later changes from forbidden ones', () => {
    expect(describeModifications(sig())).toBe('Nothing changed after this signature.')
    const later = sig({ coversWholeFile: false, modifications: [{ revision: 3, kind: 'form', description: 'x', allowed: true }] })
    expect(describeModifications(later)).toContain('1 allowed')
    const bad = sig({ coversWholeFile: false, modifications: [{ revision: 3, kind: 'page-content', description: 'x', allowed: false }] })
    expect(describeModifications(bad)).toContain('NOT allowed')
  })

  it('speaks Chinese by default', () => {
    setLang('zh')
    expect(describeSignature(sig())).toContain('签名有效')
  })

  it('sums up a report', () => {
    const r: ValidationReport = { format: 'hetong-validation-report', version: 1, size: 1, sha256: '', revisions: 1, validationTime: '', allPassed: false, signatures: [] }
    expect(overall(r)).toBe('none')
    expect(overall({ ...r, allPassed: true, signatures: [sig()] })).toBe('valid')
    expect(overall({ ...r, signatures: [sig({ indication: 'TOTAL_FAILED' })] })).toBe('invalid')
  })
})
