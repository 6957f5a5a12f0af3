#include "crypto/signature.h"

#include <openssl/rsa.h>

#include "base/der.h"
#include "crypto/internal/evp_names.h"
#include "crypto/openssl_util.h"

namespace hetong::crypto {
namespace {

namespace der = base::der;

Status Malformed() { return InvalidArgumentError("malformed signature"); }
Status Mismatch() { return InvalidArgumentError("signature does not verify"); }

// Sets up `mctx` for signing or verifying with `alg`.
Status InitDigestCtx(EVP_MD_CTX* mctx, EVP_PKEY* pkey, SignatureAlgorithm alg,
                     std::string_view sm2_id, bool sign) {
  EVP_PKEY_CTX* pctx = nullptr;  // owned by mctx
  const EVP_MD* md = internal::EvpMd(SignatureHash(alg));
  int rc = sign ? EVP_DigestSignInit(mctx, &pctx, md, nullptr, pkey)
                : EVP_DigestVerifyInit(mctx, &pctx, md, nullptr, pkey);
  if (rc != 1) return OpensslError("cannot initialise the signature");
  if (alg == SignatureAlgorithm::kSm2Sm3) {
    if (EVP_PKEY_CTX_set1_id(pctx, sm2_id.data(), sm2_id.size()) <= 0) {
      return OpensslError("cannot set the SM2 ID");
    }
  } else if (alg == SignatureAlgorithm::kRsaPssSha256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0) {
      return OpensslError("cannot set RSA-PSS parameters");
    }
  } else if (SignatureFitsKey(alg, KeyType::kRsa)) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0) {
      return OpensslError("cannot set RSA padding");
    }
  }
  return OkStatus();
}

class EvpSigner final : public Signer {
 public:
  EvpSigner(PrivateKey key, SignatureAlgorithm alg, std::string sm2_id)
      : key_(std::move(key)), alg_(alg), sm2_id_(std::move(sm2_id)) {}

  StatusOr<Bytes> Sign(ByteView message) const override {
    EvpMdCtxPtr mctx(EVP_MD_CTX_new());
    if (!mctx) return OpensslError("cannot allocate a signature context");
    HETONG_RETURN_IF_ERROR(InitDigestCtx(mctx.get(), key_.evp(), alg_, sm2_id_, true));
    size_t len = 0;
    if (EVP_DigestSign(mctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
      return OpensslError("signing failed");
    }
    Bytes sig(len);
    if (EVP_DigestSign(mctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
      return OpensslError("signing failed");
    }
    sig.resize(len);
    return sig;
  }
  SignatureAlgorithm algorithm() const override { return alg_; }
  const PublicKey& public_key() const override { return key_.public_key(); }

 private:
  PrivateKey key_;
  SignatureAlgorithm alg_;
  std::string sm2_id_;
};

class EvpVerifier final : public Verifier {
 public:
  EvpVerifier(PublicKey key, SignatureAlgorithm alg, std::string sm2_id)
      : key_(std::move(key)), alg_(alg), sm2_id_(std::move(sm2_id)) {}

  Status Verify(ByteView message, ByteView signature) const override {
    if (key_.type() != KeyType::kRsa) {
      size_t scalar = key_.type() == KeyType::kEcP384 ? 48 : 32;
      auto parts = ParseEcSignatureDer(signature, scalar);
      if (!parts.ok()) return parts.status();
    } else if (signature.size() != static_cast<size_t>((key_.bits() + 7) / 8)) {
      return Malformed();
    }
    EvpMdCtxPtr mctx(EVP_MD_CTX_new());
    if (!mctx) return OpensslError("cannot allocate a signature context");
    HETONG_RETURN_IF_ERROR(InitDigestCtx(mctx.get(), key_.evp(), alg_, sm2_id_, false));
    int rc = EVP_DigestVerify(mctx.get(), signature.data(), signature.size(), message.data(),
                              message.size());
    ClearOpensslErrors();
    if (rc != 1) return Mismatch();
    return OkStatus();
  }

 private:
  PublicKey key_;
  SignatureAlgorithm alg_;
  std::string sm2_id_;
};

}  // namespace

std::string_view SignatureAlgorithmName(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kSm2Sm3:
      return "sm2-sm3";
    case SignatureAlgorithm::kRsaPkcs1Sha256:
      return "rsa-pkcs1-sha256";
    case SignatureAlgorithm::kRsaPkcs1Sha384:
      return "rsa-pkcs1-sha384";
    case SignatureAlgorithm::kRsaPkcs1Sha512:
      return "rsa-pkcs1-sha512";
    case SignatureAlgorithm::kRsaPssSha256:
      return "rsa-pss-sha256";
    case SignatureAlgorithm::kEcdsaSha256:
      return "ecdsa-sha256";
    case SignatureAlgorithm::kEcdsaSha384:
      return "ecdsa-sha384";
    case SignatureAlgorithm::kEcdsaSha512:
      return "ecdsa-sha512";
    case SignatureAlgorithm::kRsaPkcs1Sha1:
      return "rsa-pkcs1-sha1";
    case SignatureAlgorithm::kEcdsaSha1:
      return "ecdsa-sha1";
  }
  return "?";
}

HashAlgorithm SignatureHash(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kSm2Sm3:
      return HashAlgorithm::kSm3;
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPssSha256:
    case SignatureAlgorithm::kEcdsaSha256:
      return HashAlgorithm::kSha256;
    case SignatureAlgorithm::kRsaPkcs1Sha384:
    case SignatureAlgorithm::kEcdsaSha384:
      return HashAlgorithm::kSha384;
    case SignatureAlgorithm::kRsaPkcs1Sha512:
    case SignatureAlgorithm::kEcdsaSha512:
      return HashAlgorithm::kSha512;
    case SignatureAlgorithm::kRsaPkcs1Sha1:
    case SignatureAlgorithm::kEcdsaSha1:
      return HashAlgorithm::kSha1;
  }
  return HashAlgorithm::kSha256;
}

SignatureAlgorithm DefaultSignatureAlgorithm(KeyType type) {
  switch (type) {
    case KeyType::kSm2:
      return SignatureAlgorithm::kSm2Sm3;
    case KeyType::kRsa:
      return SignatureAlgorithm::kRsaPkcs1Sha256;
    case KeyType::kEcP256:
      return SignatureAlgorithm::kEcdsaSha256;
    case KeyType::kEcP384:
      return SignatureAlgorithm::kEcdsaSha384;
  }
  return SignatureAlgorithm::kSm2Sm3;
}

bool SignatureFitsKey(SignatureAlgorithm alg, KeyType type) {
  switch (alg) {
    case SignatureAlgorithm::kSm2Sm3:
      return type == KeyType::kSm2;
    case SignatureAlgorithm::kRsaPkcs1Sha256:
    case SignatureAlgorithm::kRsaPkcs1Sha384:
    case SignatureAlgorithm::kRsaPkcs1Sha512:
    case SignatureAlgorithm::kRsaPssSha256:
    case SignatureAlgorithm::kRsaPkcs1Sha1:
      return type == KeyType::kRsa;
    case SignatureAlgorithm::kEcdsaSha256:
    case SignatureAlgorithm::kEcdsaSha384:
    case SignatureAlgorithm::kEcdsaSha512:
    case SignatureAlgorithm::kEcdsaSha1:
      return type == KeyType::kEcP256 || type == KeyType::kEcP384;
  }
  return false;
}

StatusOr<std::unique_ptr<Signer>> NewSigner(const PrivateKey& key, SignatureAlgorithm alg,
                                            std::string_view sm2_id) {
  if (!SignatureFitsKey(alg, key.type())) {
    return InvalidArgumentError(std::string(SignatureAlgorithmName(alg)) +
                                " cannot be used with a " + std::string(KeyTypeName(key.type())) +
                                " key");
  }
  if (alg == SignatureAlgorithm::kRsaPkcs1Sha1 || alg == SignatureAlgorithm::kEcdsaSha1) {
    return InvalidArgumentError("SHA-1 signatures are not made any more");
  }
  if (sm2_id.size() > 8191) return InvalidArgumentError("the SM2 ID is too long");
  return std::unique_ptr<Signer>(new EvpSigner(key.Share(), alg, std::string(sm2_id)));
}

StatusOr<std::unique_ptr<Signer>> NewSigner(const PrivateKey& key) {
  return NewSigner(key, DefaultSignatureAlgorithm(key.type()));
}

StatusOr<std::unique_ptr<Verifier>> NewVerifier(const PublicKey& key, SignatureAlgorithm alg,
                                                std::string_view sm2_id) {
  if (!SignatureFitsKey(alg, key.type())) {
    return InvalidArgumentError(std::string(SignatureAlgorithmName(alg)) +
                                " cannot be used with a " + std::string(KeyTypeName(key.type())) +
                                " key");
  }
  if (sm2_id.size() > 8191) return InvalidArgumentError("the SM2 ID is too long");
  return std::unique_ptr<Verifier>(new EvpVerifier(key, alg, std::string(sm2_id)));
}

Status VerifySignature(const PublicKey& key, SignatureAlgorithm alg, ByteView message,
                       ByteView signature, std::string_view sm2_id) {
  HETONG_ASSIGN_OR_RETURN(auto v, NewVerifier(key, alg, sm2_id));
  return v->Verify(message, signature);
}

StatusOr<EcSignatureParts> ParseEcSignatureDer(ByteView sig, size_t scalar_size) {
  der::Reader outer(sig);
  auto seq = outer.ReadSequence();
  if (!seq.ok() || !outer.ExpectEnd("signature").ok()) return Malformed();
  auto r = seq->ReadUnsignedInteger();
  auto s = seq->ReadUnsignedInteger();
  if (!r.ok() || !s.ok() || !seq->ExpectEnd("signature").ok()) return Malformed();
  if (r->size() > scalar_size || s->size() > scalar_size) return Malformed();
  auto is_zero = [](const Bytes& b) {
    for (uint8_t v : b)
      if (v) return false;
    return true;
  };
  if (is_zero(*r) || is_zero(*s)) return Malformed();
  EcSignatureParts out;
  out.r = Bytes(scalar_size - r->size(), 0);
  Append(out.r, *r);
  out.s = Bytes(scalar_size - s->size(), 0);
  Append(out.s, *s);
  return out;
}

Bytes EncodeEcSignatureDer(ByteView r, ByteView s) {
  return der::Seq({der::UnsignedInteger(r), der::UnsignedInteger(s)});
}

}  // namespace hetong::crypto
