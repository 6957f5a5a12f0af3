// `hetong crypto ...`: the operator's toolbox (like `gmssl` or `openssl`), on crypto/.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "app/cli_util.h"
#include "app/commands.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/certificate_info.h"
#include "crypto/envelope.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "crypto/shamir.h"
#include "crypto/signature.h"
#include "crypto/sm2.h"
#include "crypto/sm4.h"

namespace hetong::app {
namespace {

using crypto::PrivateKey;
using crypto::PublicKey;

struct Io {
  std::string in;
  std::string out;
};

void AddIn(CLI::App* c, Io& io, const std::string& what = "input file (default: standard input)") {
  c->add_option("--in", io.in, what);
}
void AddOut(CLI::App* c, Io& io,
            const std::string& what = "output file (default: standard output)") {
  c->add_option("--out", io.out, what);
}

// A public key file, or a certificate (its key is used).
StatusOr<PublicKey> LoadPublicKey(const std::string& path) {
  HETONG_ASSIGN_OR_RETURN(Bytes data, base::ReadFile(path));
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    HETONG_ASSIGN_OR_RETURN(crypto::CertificateInfo cert, crypto::ParseCertificateInfo(data));
    return cert.public_key;
  }
  auto pub = PublicKey::Parse(data);
  if (!pub.ok()) {
    auto cert = crypto::ParseCertificateInfo(data);
    if (cert.ok()) return cert->public_key;
    return pub.status().WithContext(path);
  }
  return pub;
}

StatusOr<SecretBytes> HexKey(const std::string& hex, const char* what) {
  auto b = base::HexDecode(hex);
  if (!b.ok()) return InvalidArgumentError(std::string(what) + " must be hexadecimal");
  SecretBytes s = SecretBytes::Copy(*b);
  SecureWipe(*b);
  return s;
}

int PrintHex(ByteView v) {
  std::printf("%s\n", base::HexEncode(v).c_str());
  return kExitOk;
}

// ---- commands ----

void AddSm3(CLI::App& crypto, int* rc) {
  auto io = std::make_shared<Io>();
  auto* c = crypto.add_subcommand("sm3", "SM3 digest (GB/T 32905), printed in lowercase hex");
  AddIn(c, *io);
  c->callback([io, rc] {
    auto data = ReadInput(io->in);
    *rc = data.ok() ? PrintHex(crypto::Sm3(*data)) : Fail(data.status());
  });
}

void AddHmac(CLI::App& crypto, int* rc) {
  auto io = std::make_shared<Io>();
  auto key = std::make_shared<std::string>();
  auto* c = crypto.add_subcommand("hmac-sm3", "HMAC-SM3 (GM/T 0042), printed in lowercase hex");
  c->add_option("--key-hex", *key, "key in hex")->required();
  AddIn(c, *io);
  c->callback([io, key, rc] {
    auto k = HexKey(*key, "--key-hex");
    if (!k.ok()) return void(*rc = Fail(k.status()));
    auto data = ReadInput(io->in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    *rc = PrintHex(crypto::HmacSm3(k->Reveal(SecretAccess::Unsafe()), *data));
  });
}

void AddSm4(CLI::App& crypto, int* rc) {
  struct Opts {
    Io io;
    std::string mode, key, iv, aad;
    bool encrypt = false, decrypt = false, no_pad = false;
  };
  auto o = std::make_shared<Opts>();
  auto* c = crypto.add_subcommand("sm4", "SM4 (GB/T 32907) encryption and decryption");
  c->add_option("--mode", o->mode, "ecb, cbc, ctr or gcm")
      ->required()
      ->check(CLI::IsMember({"ecb", "cbc", "ctr", "gcm"}));
  auto* enc = c->add_flag("--encrypt,-e", o->encrypt, "encrypt");
  auto* dec = c->add_flag("--decrypt,-d", o->decrypt, "decrypt");
  enc->excludes(dec);
  c->add_option("--key-hex", o->key, "16-byte key in hex")->required();
  c->add_option("--iv-hex", o->iv,
                "IV in hex (16 bytes for CBC/CTR; any length for GCM, 12 recommended)");
  c->add_option("--aad-hex", o->aad, "GCM additional authenticated data in hex");
  c->add_flag("--no-pad", o->no_pad,
              "ECB/CBC without PKCS#7 padding (input must be a multiple of 16 bytes)");
  AddIn(c, o->io);
  AddOut(c, o->io, "output file (default: standard output); GCM writes ciphertext || 16-byte tag");
  c->callback([o, rc] {
    if (o->encrypt == o->decrypt) return void(*rc = Fail("give --encrypt or --decrypt"));
    auto key = HexKey(o->key, "--key-hex");
    if (!key.ok()) return void(*rc = Fail(key.status()));
    auto iv = base::HexDecode(o->iv);
    auto aad = base::HexDecode(o->aad);
    if (!iv.ok() || !aad.ok())
      return void(*rc = Fail("--iv-hex and --aad-hex must be hexadecimal"));
    if (o->mode != "ecb" && iv->empty())
      return void(*rc = Fail("--iv-hex is required for " + o->mode));
    if (o->mode == "ecb" && !iv->empty()) return void(*rc = Fail("ECB takes no IV"));
    if (o->mode != "gcm" && !aad->empty()) return void(*rc = Fail("--aad-hex is only for GCM"));
    auto in = ReadInput(o->io.in);
    if (!in.ok()) return void(*rc = Fail(in.status()));
    crypto::Padding pad = o->no_pad ? crypto::Padding::kNone : crypto::Padding::kPkcs7;
    StatusOr<Bytes> out = InternalError("unreachable");
    if (o->mode == "ecb") {
      out = o->encrypt ? crypto::Sm4EcbEncrypt(*key, *in, pad)
                       : crypto::Sm4EcbDecrypt(*key, *in, pad);
    } else if (o->mode == "cbc") {
      out = o->encrypt ? crypto::Sm4CbcEncrypt(*key, *iv, *in, pad)
                       : crypto::Sm4CbcDecrypt(*key, *iv, *in, pad);
    } else if (o->mode == "ctr") {
      out = crypto::Sm4Ctr(*key, *iv, *in);
    } else {
      out = o->encrypt ? crypto::Sm4GcmEncrypt(*key, *iv, *aad, *in)
                       : crypto::Sm4GcmDecrypt(*key, *iv, *aad, *in);
    }
    if (!out.ok()) return void(*rc = Fail(out.status()));
    Status s = WriteOutput(o->io.out, *out);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddKeygen(CLI::App& crypto, int* rc) {
  struct Opts {
    std::string alg, out, pass_file;
  };
  auto o = std::make_shared<Opts>();
  auto* c = crypto.add_subcommand("keygen", "generate a private key (PKCS#8 PEM, mode 0600)");
  c->add_option("--alg", o->alg, "sm2, rsa2048, rsa3072 or ecdsa-p256")
      ->required()
      ->check(CLI::IsMember({"sm2", "rsa2048", "rsa3072", "ecdsa-p256"}));
  c->add_option("--out", o->out, "key file to create")->required();
  c->add_option("--pass-file", o->pass_file, "encrypt the key with the password in this file");
  c->callback([o, rc] {
    auto key = PrivateKey::Generate(*crypto::KeySpecFromName(o->alg));
    if (!key.ok()) return void(*rc = Fail(key.status()));
    std::optional<SecretBytes> pw;
    if (!o->pass_file.empty()) {
      auto p = ReadPasswordFile(o->pass_file);
      if (!p.ok()) return void(*rc = Fail(p.status()));
      pw = std::move(*p);
    }
    auto pem = key->ToPkcs8Pem(pw ? &*pw : nullptr);
    if (!pem.ok()) return void(*rc = Fail(pem.status()));
    Status s = WriteOutput(o->out, pem->Reveal(SecretAccess::Unsafe()), 0600);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddPubkey(CLI::App& crypto, int* rc) {
  struct Opts {
    Io io;
    std::string pass_file;
  };
  auto o = std::make_shared<Opts>();
  auto* c = crypto.add_subcommand(
      "pubkey", "write the public key (SubjectPublicKeyInfo PEM) of a private key");
  c->add_option("--in", o->io.in, "private key file")->required();
  AddOut(c, o->io);
  c->add_option("--pass-file", o->pass_file, "password of an encrypted key");
  c->callback([o, rc] {
    auto key = LoadPrivateKey(o->io.in, o->pass_file);
    if (!key.ok()) return void(*rc = Fail(key.status()));
    Status s = WriteOutput(o->io.out, AsBytes(key->public_key().ToPem()));
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

struct SignOpts {
  Io io;
  std::string key, pub, id = std::string(crypto::kDefaultSm2Id), sig, pass_file;
  bool pss = false;
};

StatusOr<crypto::SignatureAlgorithm> AlgFor(crypto::KeyType type, bool pss) {
  if (pss && type != crypto::KeyType::kRsa) return InvalidArgumentError("--pss is for RSA keys");
  return pss ? crypto::SignatureAlgorithm::kRsaPssSha256 : crypto::DefaultSignatureAlgorithm(type);
}

void AddSign(CLI::App& crypto, int* rc) {
  auto o = std::make_shared<SignOpts>();
  auto* c = crypto.add_subcommand(
      "sign", "sign a file: SM2 with SM3 and Z_A (DER r,s); RSA or ECDSA with SHA-256");
  c->add_option("--key", o->key, "private key file")->required();
  c->add_option("--id", o->id, "SM2 signer ID (default 1234567812345678)");
  c->add_option("--pass-file", o->pass_file, "password of an encrypted key");
  c->add_flag("--pss", o->pss, "RSA-PSS instead of PKCS#1 v1.5");
  AddIn(c, o->io);
  c->add_option("--out", o->io.out, "signature file (default: standard output)");
  c->callback([o, rc] {
    auto key = LoadPrivateKey(o->key, o->pass_file);
    if (!key.ok()) return void(*rc = Fail(key.status()));
    auto alg = AlgFor(key->type(), o->pss);
    if (!alg.ok()) return void(*rc = Fail(alg.status()));
    auto signer = crypto::NewSigner(*key, *alg, o->id);
    if (!signer.ok()) return void(*rc = Fail(signer.status()));
    auto data = ReadInput(o->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    auto sig = (*signer)->Sign(*data);
    if (!sig.ok()) return void(*rc = Fail(sig.status()));
    Status s = WriteOutput(o->io.out, *sig);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddVerify(CLI::App& crypto, int* rc) {
  auto o = std::make_shared<SignOpts>();
  auto* c = crypto.add_subcommand("verify", "verify a signature; exit 0 if valid, 1 if not");
  c->add_option("--pub", o->pub, "public key (or certificate) file")->required();
  c->add_option("--id", o->id, "SM2 signer ID (default 1234567812345678)");
  c->add_option("--sig", o->sig, "signature file")->required();
  c->add_flag("--pss", o->pss, "RSA-PSS instead of PKCS#1 v1.5");
  AddIn(c, o->io);
  c->callback([o, rc] {
    auto pub = LoadPublicKey(o->pub);
    if (!pub.ok()) return void(*rc = Fail(pub.status()));
    auto alg = AlgFor(pub->type(), o->pss);
    if (!alg.ok()) return void(*rc = Fail(alg.status()));
    auto sig = base::ReadFile(o->sig);
    if (!sig.ok()) return void(*rc = Fail(sig.status()));
    auto data = ReadInput(o->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    Status s = crypto::VerifySignature(*pub, *alg, *data, *sig, o->id);
    if (s.ok()) {
      std::printf("signature is valid (%s)\n",
                  std::string(crypto::SignatureAlgorithmName(*alg)).c_str());
      *rc = kExitOk;
    } else {
      std::printf("signature is NOT valid: %s\n", s.message().c_str());
      *rc = kExitNegative;
    }
  });
}

void AddEncrypt(CLI::App& crypto, int* rc) {
  auto o = std::make_shared<SignOpts>();
  auto* e = crypto.add_subcommand(
      "encrypt", "SM2 public-key encryption (GB/T 32918.4; DER C1C3C2 per GM/T 0009)");
  e->add_option("--pub", o->pub, "SM2 public key (or certificate) file")->required();
  AddIn(e, o->io);
  AddOut(e, o->io);
  e->callback([o, rc] {
    auto pub = LoadPublicKey(o->pub);
    if (!pub.ok()) return void(*rc = Fail(pub.status()));
    auto data = ReadInput(o->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    auto ct = crypto::Sm2Encrypt(*pub, *data);
    if (!ct.ok()) return void(*rc = Fail(ct.status()));
    Status s = WriteOutput(o->io.out, *ct);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
  auto d_opts = std::make_shared<SignOpts>();
  auto* d = crypto.add_subcommand("decrypt", "SM2 decryption of a DER C1C3C2 ciphertext");
  d->add_option("--key", d_opts->key, "SM2 private key file")->required();
  d->add_option("--pass-file", d_opts->pass_file, "password of an encrypted key");
  AddIn(d, d_opts->io);
  AddOut(d, d_opts->io);
  d->callback([d_opts, rc] {
    auto key = LoadPrivateKey(d_opts->key, d_opts->pass_file);
    if (!key.ok()) return void(*rc = Fail(key.status()));
    auto data = ReadInput(d_opts->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    auto pt = crypto::Sm2Decrypt(*key, *data);
    if (!pt.ok()) return void(*rc = Fail(pt.status()));
    Status s = WriteOutput(d_opts->io.out, pt->Reveal(SecretAccess::Unsafe()), 0600);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddEnvelope(CLI::App& crypto, int* rc) {
  auto* env = crypto.add_subcommand("envelope",
                                    "digital envelopes: SM2+SM4 (GB/T 35275) or CMS for RSA/EC");
  env->require_subcommand(1);
  auto so = std::make_shared<SignOpts>();
  auto cert = std::make_shared<std::string>();
  auto* seal = env->add_subcommand("seal", "encrypt to a recipient");
  auto* cert_opt = seal->add_option("--cert", *cert, "recipient certificate (PEM or DER)");
  auto* pub_opt =
      seal->add_option("--pub", so->pub, "recipient SM2 public key (when there is no certificate)");
  cert_opt->excludes(pub_opt);
  AddIn(seal, so->io);
  AddOut(seal, so->io);
  seal->callback([so, cert, rc] {
    std::optional<crypto::EnvelopeRecipient> to;
    if (!cert->empty()) {
      auto data = base::ReadFile(*cert);
      if (!data.ok()) return void(*rc = Fail(data.status()));
      auto info = crypto::ParseCertificateInfo(*data);
      if (!info.ok()) return void(*rc = Fail(info.status().WithContext(*cert)));
      PublicKey key = info->public_key;
      to = crypto::EnvelopeRecipient{std::move(key), std::move(*info)};
    } else if (!so->pub.empty()) {
      auto pub = LoadPublicKey(so->pub);
      if (!pub.ok()) return void(*rc = Fail(pub.status()));
      to = crypto::EnvelopeRecipient{std::move(*pub), std::nullopt};
    } else {
      return void(*rc = Fail("give the recipient with --cert or --pub"));
    }
    auto data = ReadInput(so->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    auto sealed = crypto::SealEnvelope(*to, *data, crypto::DefaultRng());
    if (!sealed.ok()) return void(*rc = Fail(sealed.status()));
    Status s = WriteOutput(so->io.out, *sealed);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
  auto oo = std::make_shared<SignOpts>();
  auto* open = env->add_subcommand("open", "decrypt an envelope addressed to a key");
  open->add_option("--key", oo->key, "recipient private key file")->required();
  open->add_option("--pass-file", oo->pass_file, "password of an encrypted key");
  AddIn(open, oo->io);
  AddOut(open, oo->io);
  open->callback([oo, rc] {
    auto key = LoadPrivateKey(oo->key, oo->pass_file);
    if (!key.ok()) return void(*rc = Fail(key.status()));
    auto data = ReadInput(oo->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    auto plain = crypto::OpenEnvelope(*key, *data);
    if (!plain.ok()) return void(*rc = Fail(plain.status()));
    Status s = WriteOutput(oo->io.out, plain->Reveal(SecretAccess::Unsafe()), 0600);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddShamir(CLI::App& crypto, int* rc) {
  struct Opts {
    Io io;
    int threshold = 0, shares = 0;
    std::string out_dir;
    std::vector<std::string> inputs;
  };
  auto o = std::make_shared<Opts>();
  auto* split = crypto.add_subcommand("split", "split a secret into Shamir shares (t of n)");
  split->add_option("--threshold", o->threshold, "shares needed to rebuild")->required();
  split->add_option("--shares", o->shares, "shares to make (at most 255)")->required();
  AddIn(split, o->io, "the secret (default: standard input)");
  split->add_option("--out-dir", o->out_dir,
                    "write share-N.txt files (0600) here instead of printing them");
  split->callback([o, rc] {
    auto data = ReadInput(o->io.in);
    if (!data.ok()) return void(*rc = Fail(data.status()));
    SecretBytes secret = SecretBytes::Copy(*data);
    SecureWipe(*data);
    auto shares = crypto::ShamirSplit(secret, o->threshold, o->shares, crypto::DefaultRng());
    if (!shares.ok()) return void(*rc = Fail(shares.status()));
    for (size_t i = 0; i < shares->size(); ++i) {
      std::string line(((*shares)[i]).RevealString(SecretAccess::Unsafe()));
      line += "\n";
      Status s = o->out_dir.empty() ? WriteOutput("", AsBytes(line))
                                    : base::WriteFileExclusive(
                                          o->out_dir + "/share-" + std::to_string(i + 1) + ".txt",
                                          AsBytes(line), 0600);
      SecureWipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(line.data()), line.size()));
      if (!s.ok()) return void(*rc = Fail(s));
    }
    *rc = kExitOk;
  });
  auto* combine = crypto.add_subcommand("combine", "rebuild a secret from Shamir shares");
  combine->add_option("--in", o->inputs,
                      "share files (default: one share per line on standard input)");
  AddOut(combine, o->io, "where to write the secret (default: standard output)");
  combine->callback([o, rc] {
    std::vector<SecretBytes> shares;
    std::vector<std::string> sources =
        o->inputs.empty() ? std::vector<std::string>{"-"} : o->inputs;
    for (const auto& src : sources) {
      auto data = ReadInput(src);
      if (!data.ok()) return void(*rc = Fail(data.status()));
      size_t start = 0;
      for (size_t i = 0; i <= data->size(); ++i) {
        if (i == data->size() || (*data)[i] == '\n') {
          if (i > start)
            shares.push_back(SecretBytes::Copy(ByteView(*data).subspan(start, i - start)));
          start = i + 1;
        }
      }
      SecureWipe(*data);
    }
    auto secret = crypto::ShamirCombine(shares);
    if (!secret.ok()) return void(*rc = Fail(secret.status()));
    Status s = WriteOutput(o->io.out, secret->Reveal(SecretAccess::Unsafe()), 0600);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddRandom(CLI::App& crypto, int* rc) {
  struct Opts {
    size_t bytes = 0;
    bool hex = false;
    std::string out;
  };
  auto o = std::make_shared<Opts>();
  auto* c = crypto.add_subcommand("random", "random bytes from the system DRBG");
  c->add_option("--bytes", o->bytes, "how many bytes")->required()->check(CLI::Range(1, 1 << 30));
  c->add_flag("--hex", o->hex, "print as hex");
  c->add_option("--out", o->out, "output file (default: standard output)");
  c->callback([o, rc] {
    auto r = crypto::RandomBytes(crypto::DefaultRng(), o->bytes);
    if (!r.ok()) return void(*rc = Fail(r.status()));
    Status s =
        o->hex ? WriteOutput(o->out, AsBytes(base::HexEncode(*r) + "\n")) : WriteOutput(o->out, *r);
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

}  // namespace

void RegisterCryptoCommands(CLI::App& app, int* rc) {
  auto* crypto = app.add_subcommand(
      "crypto", "cryptographic toolbox (SM2/SM3/SM4, RSA, ECDSA, envelopes, Shamir)");
  crypto->require_subcommand(1);
  AddSm3(*crypto, rc);
  AddHmac(*crypto, rc);
  AddSm4(*crypto, rc);
  AddKeygen(*crypto, rc);
  AddPubkey(*crypto, rc);
  AddSign(*crypto, rc);
  AddVerify(*crypto, rc);
  AddEncrypt(*crypto, rc);
  AddEnvelope(*crypto, rc);
  AddShamir(*crypto, rc);
  AddRandom(*crypto, rc);
}

}  // namespace hetong::app
