// Sensitive fields (identity numbers, verification material) leave the browser inside an
// SM2+SM4 digital envelope, GB/T 35275 EnvelopedData (docs/formats/envelope.md), addressed
// to the platform's encryption certificate (GET /api/v1/encryption-certificate gives its
// public key and key identifier). A fresh SM4 key and IV come from crypto.getRandomValues;
// the SM4 key is encrypted with SM2 (GM/T 0009 DER SM2Cipher, C1C3C2) by sm-crypto-v2,
// whose randomness also comes from crypto.getRandomValues.
import { sm2, sm4 } from 'sm-crypto-v2'
import * as der from './der'

export const OID_SM2_ENVELOPED_DATA = '1.2.156.10197.6.1.4.2.3'
export const OID_DATA = '1.2.156.10197.6.1.4.2.1'
export const OID_SM4_CBC = '1.2.156.10197.1.104.2'
export const OID_SM2_ENCRYPT = '1.2.156.10197.1.301.3'

export interface Recipient {
  publicKey: string // hex, 04 || X || Y
  keyId: string // hex SHA-1 of the subjectPublicKey bits (version-2 RecipientInfo rid)
}

export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n)
  crypto.getRandomValues(b)
  return b
}

function checkRecipient(r: Recipient) {
  if (!/^04[0-9a-fA-F]{128}$/.test(r.publicKey)) throw new Error('the encryption key is not an uncompressed SM2 point')
  if (!/^[0-9a-fA-F]{40}$/.test(r.keyId)) throw new Error('the key identifier is not 20 bytes of hex')
  if (!sm2.verifyPublicKey(r.publicKey)) throw new Error('the encryption key is not on the SM2 curve')
}

// The DER of the envelope of `plaintext` for `to`.
export function seal(to: Recipient, plaintext: Uint8Array): Uint8Array {
  checkRecipient(to)
  const key = randomBytes(16)
  const iv = randomBytes(16)
  const ciphertext = sm4.encrypt(plaintext, key, { mode: 'cbc', iv, padding: 'pkcs#7', output: 'array' }) as Uint8Array
  const encryptedKey = der.hexToBytes(sm2.doEncrypt(key, to.publicKey, 1, { asn1: true }))
  key.fill(0)
  const recipientInfo = der.sequence(
    der.smallInteger(2),
    der.implicitPrimitive(0, der.hexToBytes(to.keyId)),
    der.sequence(der.oid(OID_SM2_ENCRYPT)),
    der.octetString(encryptedKey),
  )
  const encryptedContentInfo = der.sequence(
    der.oid(OID_DATA),
    der.sequence(der.oid(OID_SM4_CBC), der.octetString(iv)),
    der.implicitPrimitive(0, Uint8Array.from(ciphertext)),
  )
  const envelopedData = der.sequence(der.smallInteger(1), der.set(recipientInfo), encryptedContentInfo)
  return der.sequence(der.oid(OID_SM2_ENVELOPED_DATA), der.explicit(0, envelopedData))
}

// The base64 the API takes in `<field>_envelope`.
export function sealText(to: Recipient, text: string): string {
  return der.bytesToBase64(seal(to, new TextEncoder().encode(text)))
}

let cached: Promise<{ recipient: Recipient; required: boolean }> | undefined

// The platform's encryption key, fetched once per page load.
export function platformRecipient(): Promise<{ recipient: Recipient; required: boolean }> {
  cached ??= fetch('/api/v1/encryption-certificate', { credentials: 'same-origin' })
    .then(async (r) => {
      if (!r.ok) throw new Error('the platform publishes no encryption certificate (' + r.status + ')')
      const j = await r.json()
      const recipient = { publicKey: String(j.public_key ?? ''), keyId: String(j.key_id ?? '') }
      checkRecipient(recipient)
      return { recipient, required: Boolean(j.required) }
    })
    .catch((e) => {
      cached = undefined
      throw e
    })
  return cached
}
