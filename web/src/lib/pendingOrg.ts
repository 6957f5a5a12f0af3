// An organisation registered together with its first admin can only be created once the
// admin has passed real-name verification. Its details wait in sessionStorage (they are
// public registry data, not secrets) until then; IdentityView creates it.
export interface PendingOrg {
  name: string
  credit_code: string
  legal_representative: string
}

const KEY = 'hetong.pendingOrg'

export function setPendingOrg(o: PendingOrg) {
  sessionStorage.setItem(KEY, JSON.stringify(o))
}

export function pendingOrg(): PendingOrg | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? 'null')
    return v && typeof v.name === 'string' && typeof v.credit_code === 'string' && typeof v.legal_representative === 'string' ? v : null
  } catch {
    return null
  }
}

export function clearPendingOrg() {
  sessionStorage.removeItem(KEY)
}
