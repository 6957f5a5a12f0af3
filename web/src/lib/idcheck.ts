// Checks done in the browser before anything is sent, so that a typo is caught at once
// (the server checks again): resident identity numbers (GB 11643-1999, ISO 7064 MOD 11-2)
// and unified social credit codes (GB 32100-2015, MOD 31).

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

export function idNumberProblem(raw: string): string | null {
  const v = raw.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(v)) return 'format'
  const y = Number(v.slice(6, 10))
  const m = Number(v.slice(10, 12))
  const d = Number(v.slice(12, 14))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > Date.now()) return 'birthdate'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11] === v[17] ? null : 'check'
}

const CC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function creditCodeProblem(raw: string): string | null {
  const v = raw.trim().toUpperCase()
  if (v.length !== 18 || [...v].some((c) => !CC_CHARS.includes(c))) return 'format'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CC_CHARS.indexOf(v[i]) * CC_WEIGHTS[i]
  const check = (31 - (sum % 31)) % 31
  return CC_CHARS[check] === v[17] ? null : 'check'
}

export function maskIdNumber(v: string): string {
  return v.length > 8 ? v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4) : v
}

// The server's password policy (identity/credentials.cc), checked as one types: at least 8
// characters, at most 256 bytes, and below 16 characters two kinds of characters.
export function passwordProblem(p: string): 'short' | 'long' | 'mix' | null {
  if (p.length < 8) return 'short'
  if (new TextEncoder().encode(p).length > 256) return 'long'
  if (p.length < 16) {
    const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(p)).length
    if (kinds < 2) return 'mix'
  }
  return null
}
