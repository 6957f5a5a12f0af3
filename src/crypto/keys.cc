#include "crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cstring>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/openssl_util.h"

namespace hetong::crypto {
namespace {

constexpr int kPkcs8Iterations = 200000;

StatusOr<KeyType> DetectType(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "SM2")) return KeyType::kSm2;
  if (EVP_PKEY_is_a(pkey, "RSA")) return KeyType::kRsa;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1) {
      ClearOpensslErrors();
      return InvalidArgumentError("EC key with explicit or unknown curve parameters");
    }
    std::string_view g(group, len);
    if (g == "prime256v1" || g == "P-256") return KeyType::kEcP256;
    if (g == "secp384r1" || g == "P-384") return KeyType::kEcP384;
    if (g == "SM2") return KeyType::kSm2;
    return InvalidArgumentError("unsupported elliptic curve '" + std::string(g) +
                                "' (hetong supports SM2, P-256 and P-384)");
  }
  return InvalidArgumentError("unsupported key algorithm (hetong supports SM2, RSA and ECDSA)");
}

Status CheckRsaSize(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA") && EVP_PKEY_get_bits(pkey) < 2048) {
    return InvalidArgumentError("RSA keys shorter than 2048 bits are not accepted");
  }
  return OkStatus();
}

// Refuses password-based encryption whose key derivation would take unreasonably long
// (a hostile file could ask for 2^31 PBKDF2 iterations).
Status CheckPbeCost(ByteView encrypted_pkcs8) {
  constexpr int64_t kMaxIterations = 10'000'000;
  namespace der = base::der;
  der::Reader top(encrypted_pkcs8);
  auto seq = top.ReadSequence();
  if (!seq.ok()) return OkStatus();  // OpenSSL reports the malformed structure
  auto alg = seq->ReadSequence();
  if (!alg.ok()) return OkStatus();
  auto oid = alg->ReadOid();
  if (!oid.ok() || *oid != "1.2.840.113549.1.5.13") return OkStatus();  // not PBES2
  auto params = alg->ReadSequence();
  if (!params.ok()) return OkStatus();
  auto kdf = params->ReadSequence();
  if (!kdf.ok()) return OkStatus();
  auto kdf_oid = kdf->ReadOid();
  if (!kdf_oid.ok()) return OkStatus();
  if (*kdf_oid == "1.3.101.112" || *kdf_oid == "1.3.6.1.4.1.11591.4.11") {
    return InvalidArgumentError(
        "scrypt-encrypted private keys are not supported; re-encrypt with PBKDF2");
  }
  if (*kdf_oid != "1.2.840.113549.1.5.12") return OkStatus();  // not PBKDF2
  auto pbkdf2 = kdf->ReadSequence();
  if (!pbkdf2.ok()) return OkStatus();
  if (!pbkdf2->ReadAny().ok()) return OkStatus();  // salt
  auto iterations = pbkdf2->ReadSmallInteger();
  if (iterations.ok() && (*iterations < 1 || *iterations > kMaxIterations)) {
    return InvalidArgumentError(
        "the private key's password protection asks for an unreasonable number of "
        "PBKDF2 iterations; re-encrypt it");
  }
  return OkStatus();
}

// OpenSSL reports wrong passwords and corrupt data the same way; say both.
Status DecodeError(std::string_view what) {
  return OpensslError(what, StatusCode::kInvalidArgument);
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kSm2:
      return "SM2";
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEcP256:
      return "EC P-256";
    case KeyType::kEcP384:
      return "EC P-384";
  }
  return "?";
}

std::string_view KeySpecName(KeySpec spec) {
  switch (spec) {
    case KeySpec::kSm2:
      return "sm2";
    case KeySpec::kRsa2048:
      return "rsa2048";
    case KeySpec::kRsa3072:
      return "rsa3072";
    case KeySpec::kRsa4096:
      return "rsa4096";
    case KeySpec::kEcdsaP256:
      return "ecdsa-p256";
  }
  return "?";
}

std::optional<KeySpec> KeySpecFromName(std::string_view name) {
  for (auto s : {KeySpec::kSm2, KeySpec::kRsa2048, KeySpec::kRsa3072, KeySpec::kRsa4096,
                 KeySpec::kEcdsaP256}) {
    if (KeySpecName(s) == name) return s;
  }
  return std::nullopt;
}

// ---- PublicKey ----

StatusOr<PublicKey> PublicKey::FromEvp(EVP_PKEY* pkey) {
  if (!pkey) return InvalidArgumentError("no key");
  auto type = DetectType(pkey);
  if (!type.ok()) {
    EVP_PKEY_free(pkey);
    return type.status();
  }
  if (Status s = CheckRsaSize(pkey); !s.ok()) {
    EVP_PKEY_free(pkey);
    return s;
  }
  return PublicKey(pkey, *type);
}

StatusOr<PublicKey> PublicKey::FromSpkiDer(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));  // NOLINT
  if (!pkey) return DecodeError("not a valid SubjectPublicKeyInfo public key");
  if (p != der.data() + der.size()) {
    EVP_PKEY_free(pkey);
    return InvalidArgumentError("trailing data after the public key");
  }
  return FromEvp(pkey);
}

StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  auto der = base::PemDecode(pem, "PUBLIC KEY");
  if (!der.ok()) {
    return InvalidArgumentError("expected a PEM 'PUBLIC KEY' block (" + der.status().message() +
                                ")");
  }
  return FromSpkiDer(*der);
}

StatusOr<PublicKey> PublicKey::Parse(ByteView data) {
  if (base::LooksLikePem(data)) {
    return FromPem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }
  return FromSpkiDer(data);
}

StatusOr<PublicKey> PublicKey::FromSm2Point(ByteView point) {
  if (point.size() != 65 || point[0] != 0x04) {
    return InvalidArgumentError("an SM2 public key point is 65 bytes: 04 || X || Y");
  }
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("SM2"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()),
                                        point.size()),
      OSSL_PARAM_construct_end()};
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return DecodeError("not a point on the SM2 curve");
  }
  // fromdata does not always check the point; do it explicitly.
  EvpPkeyCtxPtr check(EVP_PKEY_CTX_new(pkey, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    EVP_PKEY_free(pkey);
    return DecodeError("not a point on the SM2 curve");
  }
  return FromEvp(pkey);
}

PublicKey::PublicKey(const PublicKey& other) : pkey_(other.pkey_), type_(other.type_) {
  if (pkey_) EVP_PKEY_up_ref(pkey_);
}

PublicKey& PublicKey::operator=(const PublicKey& other) {
  if (this != &other) {
    if (other.pkey_) EVP_PKEY_up_ref(other.pkey_);
    EVP_PKEY_free(pkey_);
    pkey_ = other.pkey_;
    type_ = other.type_;
  }
  return *this;
}

PublicKey::PublicKey(PublicKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)), type_(other.type_) {}

PublicKey& PublicKey::operator=(PublicKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
    type_ = other.type_;
  }
  return *this;
}

PublicKey::~PublicKey() { EVP_PKEY_free(pkey_); }

int PublicKey::bits() const { return EVP_PKEY_get_bits(pkey_); }

Bytes PublicKey::ToSpkiDer() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey_, &der);
  HETONG_CHECK(n > 0);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::string PublicKey::ToPem() const { return base::PemEncode("PUBLIC KEY", ToSpkiDer()); }

StatusOr<Bytes> PublicKey::EcPoint() const {
  if (type_ == KeyType::kRsa) return FailedPreconditionError("an RSA key has no EC point");
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey_, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len) != 1) {
    return OpensslError("cannot read the public point");
  }
  Bytes out(len);
  if (EVP_PKEY_get_octet_string_param(pkey_, OSSL_PKEY_PARAM_PUB_KEY, out.data(), out.size(),
                                      &len) != 1) {
    return OpensslError("cannot read the public point");
  }
  out.resize(len);
  if (out.empty() || out[0] != 0x04) {
    // Keys read from compressed points: convert to uncompressed.
    return FailedPreconditionError("the public key point is not in uncompressed form");
  }
  return out;
}

std::string PublicKey::Fingerprint() const { return base::HexEncode(Sm3(ToSpkiDer())); }

bool PublicKey::Equals(const PublicKey& other) const {
  return EVP_PKEY_eq(pkey_, other.pkey_) == 1;
}

// ---- PrivateKey ----

StatusOr<PrivateKey> PrivateKey::FromEvp(EVP_PKEY* pkey) {
  if (!pkey) return InvalidArgumentError("no key");
  EvpPkeyPtr owned(pkey);
  HETONG_ASSIGN_OR_RETURN(KeyType type, DetectType(pkey));
  HETONG_RETURN_IF_ERROR(CheckRsaSize(pkey));
  // The public half as its own EVP_PKEY (so that sharing it never exposes the private key).
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey, &der);
  if (n <= 0) return OpensslError("cannot derive the public key");
  auto pub = PublicKey::FromSpkiDer(ByteView(der, static_cast<size_t>(n)));
  OPENSSL_free(der);
  HETONG_RETURN_IF_ERROR(pub.status());
  return PrivateKey(owned.release(), type, std::move(*pub));
}

StatusOr<PrivateKey> PrivateKey::Generate(KeySpec spec) {
  EVP_PKEY* pkey = nullptr;
  switch (spec) {
    case KeySpec::kSm2:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
      break;
    case KeySpec::kRsa2048:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case KeySpec::kRsa3072:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
      break;
    case KeySpec::kRsa4096:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096});
      break;
    case KeySpec::kEcdsaP256:
      pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
  }
  if (!pkey) return OpensslError("key generation failed");
  return FromEvp(pkey);
}

StatusOr<PrivateKey> PrivateKey::FromPkcs8Der(ByteView der, const SecretBytes* passphrase) {
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* p8inf =
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));  // NOLINT
  if (!p8inf) {
    ClearOpensslErrors();
    p = der.data();
    X509_SIG* enc = d2i_X509_SIG(nullptr, &p, static_cast<long>(der.size()));  // NOLINT
    if (!enc) return DecodeError("not a PKCS#8 private key");
    if (!passphrase) {
      X509_SIG_free(enc);
      return InvalidArgumentError("the private key is encrypted: a password is needed");
    }
    if (Status cost = CheckPbeCost(der); !cost.ok()) {
      X509_SIG_free(enc);
      return cost;
    }
    auto pw = passphrase->Reveal(SecretAccess::Unsafe());
    p8inf = PKCS8_decrypt_ex(enc, reinterpret_cast<const char*>(pw.data()),
                             static_cast<int>(pw.size()), nullptr, nullptr);
    X509_SIG_free(enc);
    if (!p8inf) {
      ClearOpensslErrors();
      return InvalidArgumentError("cannot decrypt the private key: wrong password or damaged file");
    }
  }
  if (p != der.data() + der.size()) {
    PKCS8_PRIV_KEY_INFO_free(p8inf);
    return InvalidArgumentError("trailing data after the private key");
  }
  EVP_PKEY* pkey = EVP_PKCS82PKEY(p8inf);
  PKCS8_PRIV_KEY_INFO_free(p8inf);
  if (!pkey) return DecodeError("the PKCS#8 structure does not hold a usable private key");
  return FromEvp(pkey);
}

StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem, const SecretBytes* passphrase) {
  auto blocks = base::PemDecodeAll(pem);
  if (!blocks.ok())
    return InvalidArgumentError("not a PEM private key: " + blocks.status().message());
  for (auto& b : *blocks) {
    if (b.label == "PRIVATE KEY" || b.label == "ENCRYPTED PRIVATE KEY") {
      auto key = FromPkcs8Der(b.der, passphrase);
      SecureWipe(b.der);
      return key;
    }
    if (b.label == "EC PRIVATE KEY" || b.label == "RSA PRIVATE KEY") {
      const unsigned char* p = b.der.data();
      EVP_PKEY* pkey = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(b.der.size()));  // NOLINT
      SecureWipe(b.der);
      if (!pkey) return DecodeError("malformed traditional private key");
      return FromEvp(pkey);
    }
  }
  for (auto& b : *blocks) SecureWipe(b.der);
  return InvalidArgumentError("no private key in the PEM data (expected 'PRIVATE KEY')");
}

StatusOr<PrivateKey> PrivateKey::Parse(ByteView data, const SecretBytes* passphrase) {
  if (base::LooksLikePem(data)) {
    return FromPem(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
                   passphrase);
  }
  return FromPkcs8Der(data, passphrase);
}

StatusOr<PrivateKey> PrivateKey::FromSm2Scalar(const SecretBytes& d) {
  if (d.size() != 32) return InvalidArgumentError("an SM2 private key is 32 bytes");
  EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_sm2));
  BnPtr dbn(BN_secure_new());  // secure heap: OSSL_PARAM_BLD keeps it there and clears it
  BN_bin2bn(d.Reveal(SecretAccess::Unsafe()).data(), 32, dbn.get());
  BnPtr nm1(BN_dup(EC_GROUP_get0_order(group.get())));
  BN_sub_word(nm1.get(), 1);
  if (BN_is_zero(dbn.get()) || BN_cmp(dbn.get(), nm1.get()) >= 0) {
    return InvalidArgumentError("the SM2 private key must be in [1, n-2]");
  }
  EcPointPtr pub(EC_POINT_new(group.get()));
  BnCtxPtr bnctx(BN_CTX_new());
  if (EC_POINT_mul(group.get(), pub.get(), dbn.get(), nullptr, nullptr, bnctx.get()) != 1) {
    return OpensslError("cannot compute the public key");
  }
  uint8_t point[65];
  if (EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, point, sizeof point,
                         bnctx.get()) != sizeof point) {
    return OpensslError("cannot encode the public key");
  }
  std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> bld(
      OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, dbn.get());
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld.get());
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  int ok = ctx && params && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
           EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) return OpensslError("cannot build the SM2 key");
  return FromEvp(pkey);
}

PrivateKey::PrivateKey(PrivateKey&& other) noexcept
    : pkey_(std::exchange(other.pkey_, nullptr)),
      type_(other.type_),
      public_key_(std::move(other.public_key_)) {}

PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(pkey_);
    pkey_ = std::exchange(other.pkey_, nullptr);
    type_ = other.type_;
    public_key_ = std::move(other.public_key_);
  }
  return *this;
}

PrivateKey::~PrivateKey() { EVP_PKEY_free(pkey_); }

PrivateKey PrivateKey::Share() const {
  EVP_PKEY_up_ref(pkey_);
  return PrivateKey(pkey_, type_, public_key_);
}

StatusOr<SecretBytes> PrivateKey::ToPkcs8Der() const {
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, OsslDeleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>
      p8(EVP_PKEY2PKCS8(pkey_));
  if (!p8) return OpensslError("cannot encode the private key");
  unsigned char* der = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &der);
  if (n <= 0) return OpensslError("cannot encode the private key");
  SecretBytes out = SecretBytes::Copy(ByteView(der, static_cast<size_t>(n)));
  OPENSSL_clear_free(der, static_cast<size_t>(n));
  return out;
}

StatusOr<SecretBytes> PrivateKey::ToPkcs8Pem(const SecretBytes* passphrase) const {
  HETONG_ASSIGN_OR_RETURN(SecretBytes der, ToPkcs8Der());
  if (!passphrase) {
    std::string pem = base::PemEncode("PRIVATE KEY", der.Reveal(SecretAccess::Unsafe()));
    SecretBytes out = SecretBytes::Copy(pem);
    SecureWipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(pem.data()), pem.size()));
    return out;
  }
  if (passphrase->empty()) return InvalidArgumentError("the password must not be empty");
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, OsslDeleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>
      p8(EVP_PKEY2PKCS8(pkey_));
  auto pw = passphrase->Reveal(SecretAccess::Unsafe());
  X509_SIG* enc = PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), reinterpret_cast<const char*>(pw.data()),
                                   static_cast<int>(pw.size()), nullptr, 0, kPkcs8Iterations,
                                   p8.get(), nullptr, nullptr);
  if (!enc) return OpensslError("cannot encrypt the private key");
  unsigned char* der2 = nullptr;
  int n = i2d_X509_SIG(enc, &der2);
  X509_SIG_free(enc);
  if (n <= 0) return OpensslError("cannot encode the encrypted private key");
  std::string pem =
      base::PemEncode("ENCRYPTED PRIVATE KEY", ByteView(der2, static_cast<size_t>(n)));
  OPENSSL_free(der2);
  return SecretBytes::Copy(pem);
}

}  // namespace hetong::crypto
