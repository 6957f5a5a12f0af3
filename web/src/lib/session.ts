// Who is logged in. The token itself is in an httpOnly cookie; the app only knows whether
// GET /me answers, and keeps the answer.
import { ref } from 'vue'
import { get, post } from './api'
import type { Me } from './types'

export const me = ref<Me | null>(null)
export const checked = ref(false)

export async function refreshMe(): Promise<Me | null> {
  try {
    me.value = await get<Me>('/me')
  } catch {
    me.value = null
  }
  checked.value = true
  return me.value
}

export async function login(email: string, password: string, totp?: string): Promise<Me | null> {
  const body: Record<string, string> = { email, password, session: 'cookie' }
  if (totp) body.totp = totp
  await post('/auth/login', body)
  return refreshMe()
}

export async function loginWithCode(codeId: string, code: string): Promise<Me | null> {
  await post('/auth/login', { code_id: codeId, code, session: 'cookie' })
  return refreshMe()
}

export async function logout() {
  try {
    await post('/auth/logout')
  } finally {
    me.value = null
  }
}

export function orgsWhere(roles: string[]): string[] {
  return (me.value?.memberships ?? []).filter((m) => roles.includes(m.role)).map((m) => m.org_id)
}
