// Every text the app shows exists in Chinese and in English.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { messages } from '../lib/messages'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) return n === 'test' ? [] : sources(p)
    return /\.(ts|vue)$/.test(n) ? [p] : []
  })
}

const root = join(__dirname, '..')
const used = new Set<string>()
for (const f of sources(root)) {
  for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.-]+\.[a-zA-Z0-9_.-]+)'\s*[,)]/g)) {
    if (!m[1].endsWith('.')) used.add(m[1])
  }
}

describe('messages', () => {
  it('has the same keys in both languages', () => {
    expect(Object.keys(messages.en).sort()).toEqual(Object.keys(messages.zh).sort())
  })
  it('has every key the code uses', () => {
    expect(used.size).toBeGreaterThan(200)
    const missing = [...used].filter((k) => !(k in messages.zh))
    expect(missing).toEqual([])
  })
  it('has every key built from a known list', () => {
    const families: Record<string, string[]> = {
      state: ['draft', 'sent', 'partially_signed', 'completed', 'rejected', 'revoked', 'expired'],
      party: ['pending', 'signed', 'rejected'],
      role: ['admin', 'seal_manager', 'signer', 'viewer'],
      'identity.state': ['unverified', 'pending', 'verified', 'rejected'],
      'seal.status': ['active', 'suspended', 'revoked'],
      'verify.verdict': ['valid', 'invalid', 'indeterminate'],
      'verify.overall': ['valid', 'invalid', 'none'],
      'org.tab': ['overview', 'members', 'seals', 'grants', 'audit', 'settings'],
      'error.title': ['network', 'invalid-argument', 'unauthenticated', 'permission-denied', 'not-found', 'failed-precondition', 'payload-too-large', 'internal', 'client'],
      'error.hint': ['network', 'invalid-argument', 'unauthenticated', 'permission-denied', 'not-found', 'failed-precondition', 'payload-too-large', 'internal', 'client'],
      event: ['contract.created', 'contract.sent', 'contract.signed', 'contract.rejected', 'contract.revoked', 'contract.expired', 'contract.completed', 'contract.viewed'],
    }
    const missing: string[] = []
    for (const [prefix, names] of Object.entries(families)) {
      for (const n of names) if (!(prefix + '.' + n in messages.zh)) missing.push(prefix + '.' + n)
    }
    expect(missing).toEqual([])
  })
  it('fills the same placeholders in both languages', () => {
    for (const [k, zh] of Object.entries(messages.zh)) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(names(messages.en[k]), k).toEqual(names(zh))
    }
  })
})
