// The few facts crypto/ needs from an X.509 certificate to sign or seal with it: its DER,
// issuer Name (DER), serial number, subject key identifier and public key. Full certificate
// handling (chains, extensions, validation) is in pki/.
//
// Thread-safety: immutable value.
#pragma once

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/keys.h"

namespace hetong::crypto {

struct CertificateInfo {
  Bytes der;
  Bytes issuer_der;      // the issuer Name, DER
  Bytes subject_der;     // the subject Name, DER
  Bytes serial;          // big-endian magnitude
  Bytes subject_key_id;  // from the extension if present, else SHA-1 of the key bits
  PublicKey public_key;
};

// Accepts DER or PEM ("CERTIFICATE").
StatusOr<CertificateInfo> ParseCertificateInfo(ByteView data);
// SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 §4.2.1.2 method 1).
Bytes KeyIdentifier(const PublicKey& key);

}  // namespace hetong::crypto
