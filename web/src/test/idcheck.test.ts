import { describe, expect, it } from 'vitest'
import { creditCodeProblem, idNumberProblem, maskIdNumber, passwordProblem } from '../lib/idcheck'

describe('identity numbers (GB 11643)', () => {
  it('accepts valid numbers, including the X check character', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull()
    expect(idNumberProblem('11010519491231002x')).toBeNull()
    expect(idNumberProblem('110105199003070439')).toBeNull()
  })
  it('names the problem', () => {
    expect(idNumberProblem('1101051949123100')).toBe('format')
    expect(idNumberProblem('110105194912310021')).toBe('check')
    expect(idNumberProblem('110105194902300020')).toBe('birthdate')
  })
  it('masks for display', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X')
  })
})

describe('unified social credit codes (GB 32100)', () => {
  it('accepts valid codes', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull()
    expect(creditCodeProblem('91110000802100433B')).toBeNull()
  })
  it('refuses a wrong check character or letters outside the alphabet', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check')
    expect(creditCodeProblem('91350100M000100YI3')).toBe('format')
    expect(creditCodeProblem('123')).toBe('format')
  })
})

describe('password policy (as the server)', () => {
  it('follows identity/credentials.cc', () => {
    expect(passwordProblem('short1')).toBe('short')
    expect(passwordProblem('alllowercase')).toBe('mix')
    expect(passwordProblem('lower1234')).toBeNull()
    expect(passwordProblem('a long enough passphrase')).toBeNull()
    expect(passwordProblem('x'.repeat(257))).toBe('long')
  })
})
