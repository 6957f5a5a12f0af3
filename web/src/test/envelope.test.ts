// The browser's GB/T 35275 envelope: its structure, that the SM2 recipient can open it, and
// (with HETONG_BIN set, as `make test` does) that hetong itself opens what the browser sealed.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sm2, sm4 } from 'sm-crypto-v2'
import { describe, expect, it } from 'vitest'
import * as der from '../lib/der'
import { OID_DATA, OID_SM2_ENCRYPT, OID_SM2_ENVELOPED_DATA, OID_SM4_CBC, seal, sealText } from '../lib/envelope'

function keyIdOf(publicKeyHex: string): string {
  return createHash('sha1').update(Buffer.from(publicKeyHex, 'hex')).digest('hex')
}

function parse(env: Uint8Array) {
  const top = der.read(env)
  expect(top.tag).toBe(0x30)
  expect(top.end).toBe(env.length)
  const [type, wrapped] = der.children(top.content)
  expect(der.oidToString(type.content)).toBe(OID_SM2_ENVELOPED_DATA)
  expect(wrapped.tag).toBe(0xa0)
  const [envelopedData] = der.children(wrapped.content)
  const [version, recipients, eci] = der.children(envelopedData.content)
  expect(Array.from(version.content)).toEqual([1])
  const [ri] = der.children(recipients.content)
  const [riVersion, rid, alg, encryptedKey] = der.children(ri.content)
  expect(Array.from(riVersion.content)).toEqual([2])
  expect(rid.tag).toBe(0x80)
  expect(der.oidToString(der.children(alg.content)[0].content)).toBe(OID_SM2_ENCRYPT)
  const [ctype, calg, ciphertext] = der.children(eci.content)
  expect(der.oidToString(ctype.content)).toBe(OID_DATA)
  const [cipherOid, iv] = der.children(calg.content)
  expect(der.oidToString(cipherOid.content)).toBe(OID_SM4_CBC)
  expect(iv.content.length).toBe(16)
  expect(ciphertext.tag).toBe(0x80)
  return { keyId: der.bytesToHex(rid.content), encryptedKey: encryptedKey.content, iv: iv.content, ciphertext: ciphertext.content }
}

describe('DER encoder', () => {
  it('encodes OIDs, long lengths and small integers as X.690 says', () => {
    expect(der.bytesToHex(der.oid('1.2.156.10197.1.301.3'))).toBe('06092a811ccf5501822d03')
    expect(der.bytesToHex(der.oid('1.2.840.113549.1.7.3'))).toBe('06092a864886f70d010703')
    expect(der.bytesToHex(der.smallInteger(2))).toBe('020102')
    const long = der.octetString(new Uint8Array(300))
    expect(der.bytesToHex(long.subarray(0, 4))).toBe('0482012c')
    expect(der.read(long).content.length).toBe(300)
  })
})

describe('SM2+SM4 envelope', () => {
  const keys = sm2.generateKeyPairHex()
  const recipient = { publicKey: keys.publicKey, keyId: keyIdOf(keys.publicKey) }

  it('has the GB/T 35275 structure and opens with the recipient key', () => {
    const plain = new TextEncoder().encode('11010519491231002X')
    const env = seal(recipient, plain)
    const p = parse(env)
    expect(p.keyId).toBe(recipient.keyId)
    const cek = sm2.doDecrypt(der.bytesToHex(p.encryptedKey), keys.privateKey, 1, { asn1: true, output: 'array' }) as Uint8Array
    expect(cek.length).toBe(16)
    const opened = sm4.decrypt(p.ciphertext, cek, { mode: 'cbc', iv: p.iv, padding: 'pkcs#7', output: 'array' }) as Uint8Array
    expect(new TextDecoder().decode(opened)).toBe('11010519491231002X')
  })

  it('uses a fresh key and IV every time', () => {
    const a = parse(seal(recipient, new Uint8Array([1, 2, 3])))
    const b = parse(seal(recipient, new Uint8Array([1, 2, 3])))
    expect(der.bytesToHex(a.iv)).not.toBe(der.bytesToHex(b.iv))
    expect(der.bytesToHex(a.encryptedKey)).not.toBe(der.bytesToHex(b.encryptedKey))
  })

  it('refuses a recipient that is not an SM2 point', () => {
    expect(() => seal({ publicKey: '04' + '00'.repeat(64), keyId: recipient.keyId }, new Uint8Array(1))).toThrow()
    expect(() => seal({ publicKey: keys.publicKey, keyId: 'abc' }, new Uint8Array(1))).toThrow()
  })

  const bin = process.env.HETONG_BIN
  it.skipIf(!bin)('is opened by hetong (crypto envelope open)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hetong-envelope-'))
    try {
      execFileSync('openssl', ['genpkey', '-algorithm', 'SM2', '-out', join(dir, 'key.pem')])
      const text = execFileSync('openssl', ['pkey', '-in', join(dir, 'key.pem'), '-noout', '-text_pub']).toString()
      const pub = text
        .split('pub:')[1]
        .split('ASN1 OID')[0]
        .replace(/[^0-9a-f]/gi, '')
      expect(pub).toMatch(/^04[0-9a-f]{128}$/)
      const secret = '身份证 11010519491231002X'
      writeFileSync(join(dir, 'env.b64'), sealText({ publicKey: pub, keyId: keyIdOf(pub) }, secret))
      writeFileSync(join(dir, 'env.der'), Buffer.from(readFileSync(join(dir, 'env.b64'), 'utf8'), 'base64'))
      const out = execFileSync(bin!, ['crypto', 'envelope', 'open', '--key', join(dir, 'key.pem'), '--in', join(dir, 'env.der')])
      expect(out.toString('utf8')).toBe(secret)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
