// Digital envelopes (数字信封): content encrypted with a fresh symmetric key, the key
// encrypted to the recipient's public key.
//
// - SM2 recipients: GB/T 35275-2017 EnvelopedData (outer type 1.2.156.10197.6.1.4.2.3), the
//   SM4-CBC content key encrypted with SM2 (GM/T 0009 DER SM2Cipher), content SM4-CBC with
//   PKCS#7 padding. Built with our own DER (OpenSSL 3.0 cannot emit it). A recipient known
//   only by its public key is identified by [0] subjectKeyIdentifier (SHA-1 of the key).
//   Reading also accepts the PKCS#7 OIDs and GmSSL 3's sm2encrypt OID (.301.2).
// - RSA and EC recipients: RFC 5652 EnvelopedData through OpenSSL's CMS (AES-256-CBC;
//   RSA key transport or ECDH key agreement), readable by `openssl cms -decrypt`.
// Format details: docs/formats/envelope.md.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "base/bytes.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/certificate_info.h"
#include "crypto/keys.h"

namespace hetong::crypto {

struct EnvelopeRecipient {
  PublicKey key;
  std::optional<CertificateInfo> certificate;  // required for RSA/EC recipients
};

StatusOr<Bytes> SealEnvelope(const EnvelopeRecipient& to, ByteView plaintext, Rng& rng);
// Opens an envelope with the recipient's private key. Fails with kNotFound when the envelope
// is not addressed to this key, kDataLoss when the content does not decrypt.
StatusOr<SecretBytes> OpenEnvelope(const PrivateKey& key, ByteView envelope);

}  // namespace hetong::crypto
