// Test helpers for crypto/: certificates made with the real `openssl` CLI (so that our CMS and
// envelope code is exercised against certificates from an independent implementation).
#pragma once

#include <string>

#include "base/bytes.h"
#include "crypto/certificate_info.h"
#include "crypto/keys.h"

namespace hetong::crypto::testing {

struct TestIdentity {
  PrivateKey key;
  CertificateInfo cert;
};

// A fresh key of `spec` and a self-signed certificate for it (SM2 signed with the GM/T
// default ID), made by `openssl req -x509`.
TestIdentity MakeSelfSigned(KeySpec spec, const std::string& common_name);

SecretBytes Key(const std::string& hex);

}  // namespace hetong::crypto::testing
