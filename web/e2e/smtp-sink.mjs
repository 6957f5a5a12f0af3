// A mail sink for the end-to-end run: plain SMTP (RFC 5321, no TLS, no AUTH) on 127.0.0.1,
// keeping every message so that a step can read the one-time code hetong mailed.
import { createServer } from 'node:net'

export function decodeBody(raw) {
  // hetong's mail (src/notify/mime.cc): headers, a blank line, then UTF-8 text in base64.
  const blank = raw.indexOf('\r\n\r\n')
  if (blank < 0 || !/^Content-Transfer-Encoding: base64\r?$/im.test(raw.slice(0, blank))) return raw
  return Buffer.from(raw.slice(blank + 4).replace(/\s+/g, ''), 'base64').toString('utf8')
}

export async function startSmtpSink() {
  const messages = []
  const sockets = new Set()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let buffer = ''
    let inData = false
    let current = { from: '', to: [], raw: '' }
    const reply = (line) => socket.write(line + '\r\n')
    reply('220 sink.hetong.test ESMTP')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end < 0) return
          current.raw = Buffer.from(buffer.slice(0, end), 'latin1').toString('utf8').replace(/^\.\./gm, '.')
          buffer = buffer.slice(end + 5)
          inData = false
          const message = { ...current, text: decodeBody(current.raw) }
          messages.push(message)
          current = { from: '', to: [], raw: '' }
          reply('250 2.0.0 queued')
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol < 0) return
        const line = buffer.slice(0, eol)
        buffer = buffer.slice(eol + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') {
          reply('250-sink.hetong.test')
          reply('250-8BITMIME')
          reply('250 SMTPUTF8')
        } else if (verb === 'HELO') reply('250 sink.hetong.test')
        else if (verb === 'MAIL') {
          current.from = (line.match(/<([^>]*)>/) ?? [])[1] ?? ''
          reply('250 2.1.0 ok')
        } else if (verb === 'RCPT') {
          current.to.push((line.match(/<([^>]*)>/) ?? [])[1] ?? '')
          reply('250 2.1.5 ok')
        } else if (verb === 'DATA') {
          inData = true
          reply('354 end with <CRLF>.<CRLF>')
        } else if (verb === 'RSET') {
          current = { from: '', to: [], raw: '' }
          reply('250 ok')
        } else if (verb === 'NOOP') reply('250 ok')
        else if (verb === 'QUIT') {
          reply('221 bye')
          socket.end()
          return
        } else reply('502 5.5.2 not implemented')
      }
    })
    socket.on('error', () => {})
  })
  await new Promise((res) => server.listen(0, '127.0.0.1', res))
  return {
    port: server.address().port,
    messages,
    // The newest message to `to` among those after the first `since`, and for which `match`
    // holds; waits up to `ms`.
    async waitFor(to, since, match = () => true, ms = 20_000) {
      const deadline = Date.now() + ms
      for (;;) {
        const m = messages.slice(since).reverse().find((x) => x.to.includes(to) && match(x))
        if (m) return m
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${ms} ms`)
        await new Promise((res) => setTimeout(res, 100))
      }
    },
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy()
        server.close(res)
      }),
  }
}

// The six-digit code in a message hetong sent.
export function codeIn(message) {
  const m = message.text.match(/(?<!\d)(\d{6})(?!\d)/)
  if (!m) throw new Error('no six-digit code in the mail: ' + message.text.slice(0, 200))
  return m[1]
}
