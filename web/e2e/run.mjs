// End-to-end tests of the web app in Debian's Chromium, driven by playwright-core, against a
// real `hetong serve` (demo instance on 127.0.0.1, started and stopped here).
//
//   node e2e/run.mjs            HETONG_BIN (default ../build/release/src/app/hetong)
//                               HETONG_E2E_OUT (default ../build/release/web-e2e): screenshots,
//                               downloads and the server log
//                               CHROMIUM (default /usr/bin/chromium)
//
// 1. Desktop: two people and an organisation register (the identity number leaves the browser
//    in an SM2 envelope: the instance refuses it in the clear), pass sandbox verification; the
//    organisation generates its seal and grants it to its admin; she uploads a PDF, places
//    both fields by dragging, sends (sequential); the other person signs with a drawn
//    signature, she signs for the organisation with its seal; the signed PDF is downloaded,
//    checked by `hetong verify`, and the public verify page shows both signatures valid.
// 2. Phone (390x844, touch): the signing path with the signature drawn by touch, logged in
//    and confirmed with one-time codes mailed to a sink (smtp-sink.mjs), right after the
//    invitation mail.
// Along the way: the session token is never readable by scripts, the CSP header is sent, no
// request leaves the instance, and no page logs an error.
import { spawn, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync, existsSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { chromium, devices } from 'playwright-core'
import { startSmtpSink, codeIn } from './smtp-sink.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '..', '..')
const HETONG = process.env.HETONG_BIN ?? join(repo, 'build/release/src/app/hetong')
const OUT = process.env.HETONG_E2E_OUT ?? join(repo, 'build/release/web-e2e')
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const SHOTS = join(OUT, 'screenshots')
const PASSWORD = 'Contract-signing 2026'

for (const [what, path] of [['hetong', HETONG], ['chromium', CHROMIUM], ['the web app (make web)', join(repo, 'web/dist/index.html')]]) {
  if (!existsSync(path)) {
    console.error(`e2e: ${what} not found at ${path}`)
    process.exit(2)
  }
}
rmSync(OUT, { recursive: true, force: true })
mkdirSync(SHOTS, { recursive: true })

const t0 = Date.now()
function step(msg) {
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`)
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => res(p))
    })
  })
}

// ---- the instance ----
const data = mkdtempSync(join(tmpdir(), 'hetong-e2e-'))
const mail = await startSmtpSink()
const port = await freePort()
const base = `http://127.0.0.1:${port}`
execFileSync(HETONG, ['init', '--data', join(data, 'inst'), '--demo', '--listen', `127.0.0.1:${port}`], { stdio: 'pipe' })
appendFileSync(
  join(data, 'inst', 'hetong.conf'),
  `\n[identity]\npassword_iterations = 10000\nrequire_envelopes = true\n[web]\nroot = ${join(repo, 'web/dist')}\n` +
    `[smtp]\nhost = 127.0.0.1\nport = ${mail.port}\ntls = none\nfrom = noreply@hetong.test\n[notify]\npoll_seconds = 1\n`,
)
const serverLog = join(OUT, 'server.log')
const server = spawn(HETONG, ['serve', '--data', join(data, 'inst')], { stdio: ['ignore', 'pipe', 'pipe'] })
server.stdout.on('data', (d) => appendFileSync(serverLog, d))
server.stderr.on('data', (d) => appendFileSync(serverLog, d))
let serverExited = false
server.on('exit', () => (serverExited = true))

async function waitHealthy() {
  for (let i = 0; i < 200; i++) {
    if (serverExited) throw new Error('hetong serve exited; see ' + serverLog)
    try {
      const r = await fetch(base + '/healthz')
      if (r.ok) return
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('hetong serve did not become healthy')
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})

const problems = []
function watch(page, who) {
  page.on('console', (m) => {
    // HTTP errors the app handles (401 when signed out, 4xx it shows) are checked by the
    // steps themselves; anything else (CSP violations, exceptions) is a failure.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      problems.push(`${who}: console error: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`))
  page.on('request', (r) => {
    const u = r.url()
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`${who}: request outside the instance: ${u}`)
  })
  page.on('dialog', (d) => d.accept())
}

async function newUser(who, options = {}) {
  const context = await browser.newContext({ baseURL: base, locale: 'zh-CN', acceptDownloads: true, ...options })
  const page = await context.newPage()
  watch(page, who)
  return { context, page }
}

// A screenshot of a key screen, once the PDF pages (if any) are drawn; no error may be shown.
async function shot(page, name) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-test=progress]')].some((e) => e.checkVisibility()))
  const errors = await page.locator('[data-test=error]').allTextContents()
  if (errors.length) throw new Error(`${name}: the page shows an error: ${errors.join(' | ')}`)
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true })
}

let failed = false
try {
  await waitHealthy()
  step('instance up at ' + base)

  // ---- the document to sign: a contract rendered by Chromium ----
  const pdfPath = join(OUT, 'purchase-contract.pdf')
  {
    const p = await browser.newPage()
    await p.setContent(`<html><body style="font-family:'Noto Serif CJK SC',serif;padding:40px">
      <h1 style="text-align:center">采购合同</h1><p>合同编号：HT-2026-001</p>
      <p>甲方（采购方）：北京示例科技有限公司</p><p>乙方（供货方）：王五</p>
      <p>第一条 乙方向甲方提供电子签名服务器一台，总价人民币壹拾万元整（¥100,000.00）。</p>
      <p>第二条 乙方应于合同生效之日起三十日内交付。</p>
      <p>第三条 本合同自双方签署之日起生效，以电子签名方式签署，与纸质合同具有同等法律效力。</p>
      <div style="margin-top:380px;display:flex;justify-content:space-between"><span>甲方（盖章）：</span><span>乙方（签字）：</span></div>
      </body></html>`)
    writeFileSync(pdfPath, await p.pdf({ format: 'A4' }))
    await p.close()
  }

  // ---- security headers ----
  {
    const r = await fetch(base + '/')
    const csp = r.headers.get('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self'/, 'CSP on the app')
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, 'no unsafe-inline or unsafe-eval')
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff')
    const html = await r.text()
    assert.doesNotMatch(html.replace(/<script[^>]*src=[^>]*><\/script>/g, ''), /<script/i, 'no inline scripts in index.html')
    const deep = await fetch(base + '/contracts/ctr-000000000000000000000000')
    assert.equal(deep.status, 200, 'client routes answer the app')
  }

  const alice = await newUser('alice', { viewport: { width: 1280, height: 1400 } })
  const bob = await newUser('bob')

  // ---- registration: an organisation with its admin, and a person ----
  async function register(u, { name, email, id, org }) {
    const { page } = u
    await page.goto('/register')
    if (org) await page.click('[data-test=register-org]')
    if (org) {
      await page.fill('input[name=org_name]', org.name)
      await page.fill('input[name=credit_code]', org.creditCode)
      await page.fill('input[name=legal_representative]', org.legalRep)
    }
    await page.fill('input[name=name]', name)
    await page.fill('input[name=email]', email)
    await page.fill('input[name=id_number]', id)
    await page.fill('input[name=password]', PASSWORD)
    await page.fill('input[name=password2]', PASSWORD)
    if (org) await shot(page, '01-register-organisation')
    await page.click('[data-test=register-submit]')
    await page.waitForURL(/\/identity/)
  }

  async function verify(u, subject) {
    const { page } = u
    if (subject) await page.selectOption('[data-test=identity-subject]', subject)
    await page.waitForSelector('[data-test=identity-submit]')
    await page.selectOption('[data-test=identity-provider]', 'sandbox')
    await page.click('[data-test=identity-submit]')
    await page.waitForSelector('[data-test=identity-result]')
    if (subject) assert.match(await page.textContent('[data-test=identity-state]'), /已认证/)
  }

  await register(alice, {
    name: '李四',
    email: 'li@example.cn',
    id: '11010519491231002X',
    org: { name: '北京示例科技有限公司', creditCode: '91350100M000100Y43', legalRep: '李四' },
  })
  step('alice registered; her organisation waits for her verification')
  await alice.page.selectOption('[data-test=identity-provider]', 'sandbox')
  await alice.page.click('[data-test=identity-submit]')
  await alice.page.waitForSelector('[data-test=org-created]')
  await alice.page.waitForURL(/org=org-/)
  const orgId = new URL(alice.page.url()).searchParams.get('org')
  assert.match(orgId ?? '', /^org-/)
  step('alice verified; organisation ' + orgId + ' created')
  await verify(alice, orgId)
  await shot(alice.page, '02-verified')

  await register(bob, { name: '王五', email: 'wang@example.cn', id: '110105199003070439' })
  await verify(bob, null)
  step('both people and the organisation verified (sandbox)')

  // The session token is in an httpOnly cookie: scripts cannot read it, storage holds none.
  {
    const visible = await alice.page.evaluate(() => ({ cookie: document.cookie, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) }))
    assert.doesNotMatch(visible.cookie, /hetong_session/)
    assert.doesNotMatch(visible.local + visible.session, /[A-Za-z0-9_-]{40,}/, 'no token in web storage')
    const cookies = await alice.context.cookies()
    const c = cookies.find((x) => x.name === 'hetong_session')
    assert.ok(c, 'a session cookie exists')
    assert.equal(c.httpOnly, true)
    assert.equal(c.sameSite, 'Strict')
  }

  // The identity number went in an envelope; the profile shows it masked.
  await alice.page.goto('/profile')
  await alice.page.waitForSelector('[data-test=certificate]')
  assert.match(await alice.page.textContent('main'), /110105\*+002X/)
  await shot(alice.page, '03-profile-certificate')

  // ---- the organisation: its seal and a grant to its admin ----
  await alice.page.goto('/orgs/' + orgId)
  await alice.page.waitForSelector('[data-test=certificate]')
  assert.match(await alice.page.textContent('[data-test=certificate]'), /机构签名证书[\s\S]*北京示例科技有限公司/)
  await alice.page.click('[data-test=org-tab-seals]')
  await alice.page.click('[data-test=seal-generate]')
  await alice.page.waitForSelector('[data-test=seal-card] img')
  await shot(alice.page, '04-org-seal')
  await alice.page.click('[data-test=org-tab-grants]')
  const aliceId = await alice.page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).id)
  await alice.page.selectOption('[data-test=grant-person]', aliceId)
  await alice.page.click('[data-test=grant-create]')
  await alice.page.waitForSelector('[data-test=grant-row]')
  await alice.page.click('[data-test=org-tab-members]')
  await alice.page.waitForSelector('[data-test=member-row]')
  await alice.page.click('[data-test=org-tab-audit]')
  await alice.page.waitForSelector('[data-test=audit-row]')
  const audit = await alice.page.textContent('main')
  assert.match(audit, /授权/, 'the grant is in the audit trail')
  assert.match(audit, /新增印章「/, 'the new seal is in the audit trail')
  await shot(alice.page, '05-org-audit')
  step('seal generated, grant made, audit trail shows it')

  // ---- sending: upload, signers, fields, order, send ----
  const page = alice.page
  await page.goto('/send')
  await page.setInputFiles('[data-test=send-file]', pdfPath)
  await page.click('[data-test=send-upload]')
  await page.waitForSelector('[data-test=send-title]')
  await page.fill('[data-test=send-title]', '采购合同 HT-2026-001')
  await page.fill('[data-test=send-type]', 'purchase')
  // signer 1: Bob personally; signer 2: Alice for the organisation
  const first = page.locator('[data-test=signer]').nth(0)
  await first.locator('input[type=checkbox]').uncheck()
  await first.locator('[data-test=signer-email]').fill('wang@example.cn')
  await page.click('[data-test=add-signer]')
  const second = page.locator('[data-test=signer]').nth(1)
  await second.locator('input[type=checkbox]').check()
  await second.locator('[data-test=signer-org]').selectOption(orgId)
  await page.check('[data-test=flow-sequential]')
  await shot(page, '06-send-signers')
  await page.click('[data-test=send-next]')
  await page.waitForSelector('.pdf-page canvas')
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-test=progress]')].some((e) => e.checkVisibility()))
  // Drags signer i's chip to a point of page 1 given as fractions of its size (the desktop
  // window is tall enough to show the whole page).
  async function dragChip(i, fx, fy) {
    const chip = await page.locator(`[data-test=chip-${i}]`).boundingBox()
    const pageBox = await page.locator('.pdf-page[data-page="1"]').boundingBox()
    await page.mouse.move(chip.x + chip.width / 2, chip.y + chip.height / 2)
    await page.mouse.down()
    const tx = pageBox.x + pageBox.width * fx
    const ty = pageBox.y + pageBox.height * fy
    await page.mouse.move(tx, ty, { steps: 8 })
    await page.mouse.up()
    await page.waitForSelector(`[data-test=field-${i}]`)
    const f = await page.locator(`[data-test=field-${i}]`).boundingBox()
    assert.ok(Math.abs(f.x + f.width / 2 - tx) < 3 && Math.abs(f.y + f.height / 2 - ty) < 3, 'the field is centred where it was dropped')
  }
  await dragChip(0, 0.72, 0.62)
  await dragChip(1, 0.25, 0.62)
  // move the second field a little by dragging it, and make the first one bigger
  {
    const f = await page.locator('[data-test=field-1]').boundingBox()
    await page.mouse.move(f.x + f.width / 2, f.y + f.height / 2)
    await page.mouse.down()
    await page.mouse.move(f.x + f.width / 2 + 10, f.y + f.height / 2 + 15, { steps: 4 })
    await page.mouse.up()
    const g = await page.locator('[data-test=field-1]').boundingBox()
    assert.ok(Math.abs(g.x - f.x - 10) < 2 && Math.abs(g.y - f.y - 15) < 2, 'the field moved with the mouse')
  }
  await shot(page, '07-send-fields')
  await page.click('[data-test=fields-next]')
  await page.waitForSelector('[data-test=review-title]')
  await page.click('[data-test=send-submit]')
  await page.waitForURL(/\/contracts\/ctr-/)
  const contractId = page.url().split('/contracts/')[1]
  await page.waitForSelector('.pdf-page canvas')
  step('contract ' + contractId + ' sent')
  {
    const c = await page.evaluate(async (id) => (await (await fetch('/api/v1/contracts/' + id)).json()), contractId)
    assert.equal(c.state, 'sent')
    assert.equal(c.flow, 'sequential')
    assert.equal(c.parties.length, 2)
    assert.equal(c.parties[1].org_id, orgId)
    for (const p of c.parties) {
      assert.equal(p.field.page, 1)
      assert.ok(p.field.width >= 20 && p.field.height >= 20)
    }
    // Bob's field is to the right of Alice's, both in the lower half of the page.
    assert.ok(c.parties[0].field.x > c.parties[1].field.x, JSON.stringify(c.parties.map((p) => p.field)))
    assert.ok(c.parties[0].field.y < 842 / 2, JSON.stringify(c.parties.map((p) => p.field)))
  }

  // ---- Bob signs from his inbox with a drawn signature ----
  await bob.page.goto('/')
  await bob.page.waitForSelector('[data-test=awaiting] a')
  await shot(bob.page, '08-inbox')
  await bob.page.click('[data-test=awaiting] a')
  await bob.page.waitForSelector('[data-test=start-sign-0]')
  await bob.page.waitForSelector('.pdf-page canvas')
  await bob.page.click('[data-test=start-sign-0]')
  await bob.page.waitForSelector('[data-test=statement]')
  assert.match(await bob.page.textContent('[data-test=statement]'), new RegExp('hetong signing statement v1[\\s\\S]*contract: ' + contractId))
  await bob.page.check('[data-test=look-handwritten]')
  {
    const pad = await bob.page.locator('[data-test=signature-pad]').boundingBox()
    const pts = [[0.15, 0.6], [0.25, 0.3], [0.35, 0.7], [0.45, 0.35], [0.55, 0.65], [0.7, 0.4], [0.85, 0.55]]
    await bob.page.mouse.move(pad.x + pad.width * pts[0][0], pad.y + pad.height * pts[0][1])
    await bob.page.mouse.down()
    for (const [x, y] of pts.slice(1)) await bob.page.mouse.move(pad.x + pad.width * x, pad.y + pad.height * y, { steps: 6 })
    await bob.page.mouse.up()
  }
  await bob.page.fill('[data-test=intent-password]', PASSWORD)
  await shot(bob.page, '09-sign-drawn')
  await bob.page.click('[data-test=sign-submit]')
  await bob.page.waitForSelector('[data-test=signed-notice]', { timeout: 60_000 })
  await bob.page.waitForSelector('.pdf-page canvas')
  await bob.page.waitForFunction(() => ![...document.querySelectorAll('[data-test=progress]')].some((e) => e.checkVisibility()))
  await shot(bob.page, '10-signed-by-bob')
  step('bob signed with a drawn signature')

  // ---- Alice signs for the organisation with its seal ----
  await page.goto('/contracts/' + contractId)
  await page.waitForSelector('[data-test=start-sign-1]')
  await page.click('[data-test=start-sign-1]')
  await page.waitForSelector('[data-test=statement]')
  await page.check('[data-test=look-seal]')
  await page.waitForSelector('.seal-option img')
  await page.fill('[data-test=intent-password]', PASSWORD)
  await shot(page, '11-sign-org-seal')
  await page.click('[data-test=sign-submit]')
  await page.waitForSelector('[data-test=signed-notice]', { timeout: 60_000 })
  await page.waitForSelector('[data-state=completed]')
  await page.waitForSelector('.pdf-page canvas')
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-test=progress]')].some((e) => e.checkVisibility()))
  await shot(page, '12-completed')
  step('alice signed for the organisation with its seal; contract completed')
  await page.waitForFunction(() => /全部签署完成/.test(document.querySelector('[data-test=timeline]')?.textContent ?? ''))

  // ---- download: the signed PDF, checked offline by hetong; the evidence package ----
  const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-pdf]')])
  const signedPath = join(OUT, 'signed.pdf')
  await pdfDownload.saveAs(signedPath)
  const [evDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-evidence]')])
  const evidencePath = join(OUT, 'evidence.zip')
  await evDownload.saveAs(evidencePath)
  assert.equal(readFileSync(evidencePath).subarray(0, 2).toString('latin1'), 'PK')
  {
    const report = JSON.parse(execFileSync(HETONG, ['verify', signedPath, '--data', join(data, 'inst'), '--json']).toString())
    assert.equal(report.allPassed, true)
    const sigs = report.signatures.filter((s) => s.kind === 'signature')
    assert.equal(sigs.length, 2)
    // long-term validation data in the file; the document time-stamp after the last makes both B-LTA
    assert.deepEqual(sigs.map((s) => s.level), ['B-LTA', 'B-LTA'])
    assert.equal(report.signatures.filter((s) => s.kind === 'document-timestamp').length, 1)
  }
  step('downloaded PDF verified by hetong verify; evidence package downloaded')

  // ---- the public verify page, without a session ----
  const anon = await newUser('anonymous')
  await anon.page.goto('/verify')
  await anon.page.setInputFiles('[data-test=verify-file]', signedPath)
  await anon.page.waitForSelector('[data-test=verify-verdict]', { timeout: 60_000 })
  assert.equal(await anon.page.getAttribute('[data-test=verify-verdict]', 'data-verdict'), 'valid')
  const cards = anon.page.locator('[data-test=verify-signature]')
  assert.ok((await cards.count()) >= 2)
  const texts = await cards.allTextContents()
  assert.ok(texts.some((x) => x.includes('王五') && x.includes('签名有效')), 'Bob’s signature is valid')
  assert.ok(texts.some((x) => x.includes('北京示例科技有限公司') && x.includes('签名有效')), 'the organisation’s signature is valid')
  for (let i = 0; i < (await cards.count()); i++) assert.equal(await cards.nth(i).getAttribute('data-verdict'), 'valid')
  await cards.nth(0).locator('summary').click()
  await shot(anon.page, '13-verify-page')
  // English, too
  await anon.page.click('[data-test=lang]')
  await anon.page.waitForSelector('text=Every signature is valid')
  await shot(anon.page, '14-verify-page-en')
  // A PDF changed after signing is refused in plain words.
  {
    const bytes = readFileSync(signedPath)
    const tampered = Buffer.concat([bytes, Buffer.from('\n1000 0 obj\n(tampered) \nendobj\n')])
    const tamperedPath = join(OUT, 'tampered.pdf')
    writeFileSync(tamperedPath, tampered)
    await anon.page.setInputFiles('[data-test=verify-file]', tamperedPath)
    await anon.page.waitForSelector('[data-test=verify-verdict][data-verdict=invalid]', { timeout: 60_000 })
    await shot(anon.page, '15-verify-tampered')
  }
  step('verify page: both signatures valid; an appended change is reported')

  // Alice sends a one-signer contract to Bob, placing the field by tapping the chip and then
  // the page (the phone way); returns its id.
  async function sendToBob(title, fx, fy) {
    await page.goto('/send')
    await page.setInputFiles('[data-test=send-file]', pdfPath)
    await page.click('[data-test=send-upload]')
    await page.waitForSelector('[data-test=send-title]')
    await page.fill('[data-test=send-title]', title)
    const s = page.locator('[data-test=signer]').nth(0)
    await s.locator('input[type=checkbox]').uncheck()
    await s.locator('[data-test=signer-email]').fill('wang@example.cn')
    await page.click('[data-test=send-next]')
    await page.waitForSelector('.pdf-page canvas')
    await page.click('[data-test=chip-0]')
    const pb = await page.locator('.pdf-page[data-page="1"]').boundingBox()
    await page.mouse.click(pb.x + pb.width * fx, pb.y + pb.height * fy)
    await page.waitForSelector('[data-test=field-0]')
    await page.click('[data-test=fields-next]')
    await page.click('[data-test=send-submit]')
    await page.waitForURL(/\/contracts\/ctr-/)
    return page.url().split('/contracts/')[1]
  }

  // ---- phone: the signing path with touch drawing ----
  let mailed = mail.messages.length
  const phoneContract = await sendToBob('补充协议 HT-2026-002', 0.7, 0.7)

  const phone = await newUser('phone', { userAgent: devices['Pixel 7'].userAgent, viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true })
  // He opens the invitation link from his mail, signed out: the app asks him to log in, he
  // asks for a code at once (the invitation just sent must not hold it back), and the link
  // then opens the contract.
  const invitation = await mail.waitFor('wang@example.cn', mailed, (m) => m.text.includes('《补充协议 HT-2026-002》'))
  const link = invitation.text.match(/http:\/\/\S+\/sign\/ctr-\S+/)?.[0]
  assert.ok(link?.startsWith(base + '/sign/' + phoneContract + '?invitation='), 'the invitation carries a link to the contract')
  await phone.page.goto(link)
  await phone.page.waitForURL(/\/login\?next=/)
  await phone.page.tap('[data-test=login-mode-code]')
  await phone.page.fill('[data-test=login-email]', 'wang@example.cn')
  mailed = mail.messages.length
  await phone.page.tap('[data-test=login-send-code]')
  await phone.page.fill('[data-test=login-code]', codeIn(await mail.waitFor('wang@example.cn', mailed, (m) => /login code is/.test(m.text))))
  await phone.page.tap('[data-test=login-code-submit]')
  await phone.page.waitForURL((u) => u.pathname === '/contracts/' + phoneContract)
  step('phone: opened the mailed invitation, logged in with a mailed code')
  await phone.page.waitForSelector('.pdf-page canvas')
  const canvasWidth = await phone.page.evaluate(() => document.querySelector('.pdf-page').getBoundingClientRect().width)
  assert.ok(canvasWidth <= 390, 'the page fits the phone screen')
  await shot(phone.page, '16-phone-contract')
  await phone.page.tap('[data-test=start-sign-0]')
  await phone.page.waitForSelector('[data-test=statement]')
  await phone.page.tap('[data-test=look-handwritten]')
  {
    const pad = phone.page.locator('[data-test=signature-pad]')
    await pad.scrollIntoViewIfNeeded()
    const box = await pad.boundingBox()
    const cdp = await phone.context.newCDPSession(phone.page)
    const at = (fx, fy) => ({ x: box.x + box.width * fx, y: box.y + box.height * fy })
    const path = [[0.1, 0.5], [0.2, 0.2], [0.3, 0.8], [0.4, 0.3], [0.5, 0.7], [0.6, 0.3], [0.75, 0.6], [0.9, 0.4]]
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(...path[0])] })
    for (const p of path.slice(1)) {
      for (let k = 1; k <= 4; k++) {
        const prev = path[path.indexOf(p) - 1]
        const fx = prev[0] + ((p[0] - prev[0]) * k) / 4
        const fy = prev[1] + ((p[1] - prev[1]) * k) / 4
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(fx, fy)] })
      }
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
    // A person's next tap comes later than a script's: one within Chrome's double-tap window
    // would be read as the second tap of a double tap, which clicks nothing.
    await new Promise((r) => setTimeout(r, 500))
    // The page did not scroll while drawing, and the pad has ink.
    const inked = await phone.page.evaluate(() => {
      const c = document.querySelector('[data-test=signature-pad]')
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
      return n
    })
    assert.ok(inked > 200, 'the touch drawing left ink on the pad')
  }
  // Confirmed with a code by mail (the login code came less than a minute ago: each code
  // has its own purpose, and an intent code must be sent).
  await phone.page.tap('[data-test=intent-method-code]')
  mailed = mail.messages.length
  await phone.page.tap('[data-test=intent-send-code]')
  await phone.page.fill('[data-test=intent-code]', codeIn(await mail.waitFor('wang@example.cn', mailed, (m) => /code to confirm a signature is/.test(m.text))))
  await shot(phone.page, '17-phone-sign')
  await phone.page.tap('[data-test=sign-submit]')
  await phone.page.waitForSelector('[data-test=signed-notice]', { timeout: 60_000 })
  await phone.page.waitForSelector('[data-state=completed]')
  await phone.page.waitForFunction(() => ![...document.querySelectorAll('[data-test=progress]')].some((e) => e.checkVisibility()))
  await shot(phone.page, '18-phone-signed')
  {
    const c = await phone.page.evaluate(async (id) => (await (await fetch('/api/v1/contracts/' + id)).json()), phoneContract)
    assert.equal(c.state, 'completed')
    assert.match(c.parties[0].appearance, /^handwritten:[0-9a-f]{64}$/)
  }
  step('phone: signed with a touch-drawn signature, confirmed by a mailed code')

  // ---- rejecting with a reason ----
  const rejected = await sendToBob('补充协议 HT-2026-003', 0.5, 0.5)
  await bob.page.goto('/contracts?awaiting=me')
  await bob.page.click(`a[href="/contracts/${rejected}"]`)
  await bob.page.click('[data-test=start-sign-0]')
  await bob.page.waitForSelector('[data-test=statement]')
  await bob.page.click('[data-test=reject-open]')
  await bob.page.fill('[data-test=reject-reason]', '交付期限需改为六十日')
  await bob.page.click('[data-test=reject-submit]')
  await bob.page.waitForSelector('[data-state=rejected]')
  // The state comes with the answer; the timeline is read again just after it.
  await bob.page.waitForFunction(() => /拒签：/.test(document.querySelector('[data-test=timeline]')?.textContent ?? ''))
  assert.match(await bob.page.textContent('[data-test=timeline]'), /拒签：交付期限需改为六十日/)
  await shot(bob.page, '19-rejected')
  step('bob rejected a contract with a reason')

  // ---- logout ends the session ----
  await phone.page.click('.menu-toggle')
  await phone.page.click('[data-test=logout]')
  await phone.page.waitForURL(/\/login/)
  const after = await phone.page.evaluate(async () => (await fetch('/api/v1/me')).status)
  assert.equal(after, 401)

  assert.deepEqual(problems, [], 'no console errors, page errors or outside requests')
  step('all passed; screenshots in ' + SHOTS)
} catch (e) {
  failed = true
  console.error('e2e FAILED:', e)
  if (problems.length) console.error('problems seen:\n  ' + problems.join('\n  '))
  for (const ctx of browser.contexts()) {
    for (const p of ctx.pages()) {
      try {
        await p.screenshot({ path: join(SHOTS, 'failure-' + Math.random().toString(36).slice(2, 8) + '.png'), fullPage: true })
      } catch {
        // closed
      }
    }
  }
  try {
    console.error('--- server log (tail) ---\n' + readFileSync(serverLog, 'utf8').split('\n').slice(-40).join('\n'))
  } catch {
    // no log
  }
} finally {
  await browser.close()
  await mail.close()
  server.kill('SIGTERM')
  await new Promise((r) => (serverExited ? r() : server.once('exit', r)))
  rmSync(data, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
