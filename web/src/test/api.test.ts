// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, post, problemOf, url } from '../lib/api'
import { setLang } from '../lib/i18n'
import ErrorBox from '../components/ErrorBox.vue'

afterEach(() => vi.unstubAllGlobals())

describe('API client', () => {
  it('builds URLs with only the parameters that are set', () => {
    expect(url('/contracts', { q: '采购', state: '', offset: 0, org_id: undefined })).toBe('/api/v1/contracts?q=%E9%87%87%E8%B4%AD&offset=0')
  })

  it('reads RFC 9457 problems', async () => {
    const resp = new Response(JSON.stringify({ type: '/problems/failed-precondition', title: 'Failed precondition', status: 422, detail: 'not your turn' }), {
      status: 422,
      headers: { 'Content-Type': 'application/problem+json' },
    })
    const e = await problemOf(resp)
    expect(e.status).toBe(422)
    expect(e.kind).toBe('failed-precondition')
    expect(e.detail).toBe('not your turn')
  })

  it('sends the client header, the idempotency key and JSON, with the session cookie only', async () => {
    const fetchMock = vi.fn(async (_u: string, _init: RequestInit) => new Response('{"ok":true}', { status: 200, headers: { 'Content-Type': 'application/json' } }))
    vi.stubGlobal('fetch', fetchMock)
    await post('/contracts/ctr-1/send', {}, { idempotencyKey: 'k-1' })
    const [u, init] = fetchMock.mock.calls[0]
    expect(u).toBe('/api/v1/contracts/ctr-1/send')
    const h = init.headers as Record<string, string>
    expect(h['X-Hetong-Client']).toBe('web')
    expect(h['Idempotency-Key']).toBe('k-1')
    expect(h['Content-Type']).toBe('application/json')
    expect(h.Authorization).toBeUndefined()
    expect(init.credentials).toBe('same-origin')
  })

  it('turns a network failure into a problem of kind network', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(post('/x')).rejects.toMatchObject({ status: 0, kind: 'network' })
  })
})

describe('ErrorBox', () => {
  it('says what went wrong and what to do, with the server detail', () => {
    setLang('en')
    const w = mount(ErrorBox, { props: { error: new ApiError(422, '/problems/failed-precondition', 'x', 'the account is not verified yet') } })
    expect(w.text()).toContain('Not possible yet')
    expect(w.text()).toContain('verification not done yet')
    expect(w.text()).toContain('the account is not verified yet')
    setLang('zh')
  })
  it('shows nothing without an error', () => {
    expect(mount(ErrorBox, { props: { error: null } }).html()).not.toContain('alert')
  })
})
