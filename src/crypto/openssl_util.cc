#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <string>

namespace hetong::crypto {

Status OpensslError(std::string_view what, StatusCode code) {
  unsigned long first = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  std::string msg(what);
  if (first != 0) {
    const char* reason = ERR_reason_error_string(first);
    if (reason) {
      msg += ": ";
      msg += reason;
    }
  }
  ERR_clear_error();
  return Status(code, msg);
}

void ClearOpensslErrors() { ERR_clear_error(); }

BnPtr BnFromBytes(ByteView bytes) {
  return BnPtr(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

Bytes BnToBytes(const BIGNUM* bn, size_t len) {
  Bytes out(len);
  HETONG_CHECK(BN_bn2binpad(bn, out.data(), static_cast<int>(len)) == static_cast<int>(len));
  return out;
}

SecretBytes BnToSecret(const BIGNUM* bn, size_t len) {
  SecretBytes out(len);
  auto view = out.RevealMutable(SecretAccess::Unsafe());
  HETONG_CHECK(BN_bn2binpad(bn, view.data(), static_cast<int>(len)) == static_cast<int>(len));
  return out;
}

BioPtr MemBio(ByteView data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Bytes BioContents(BIO* bio) {
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);  // NOLINT(google-runtime-int)
  if (n <= 0 || !p) return {};
  return Bytes(p, p + n);
}

}  // namespace hetong::crypto
