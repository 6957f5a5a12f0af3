// `hetong crypto` against the real `openssl` binary, in both directions.

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace hetong {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;

class CryptoCliTest : public ::testing::Test {
 protected:
  CommandResult Hetong(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), testing::HetongBinary());
    return RunCommand(args, input);
  }
  CommandResult Openssl(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "openssl");
    return RunCommand(args, input);
  }
  std::string F(const std::string& name) { return dir_.File(name); }
  void Write(const std::string& name, const std::string& text) { dir_.Write(name, text); }
  std::string Read(const std::string& name) {
    auto b = dir_.Read(name);
    return std::string(b.begin(), b.end());
  }
  // A failed command must print exactly one line on stderr and exit 2 (never crash).
  void ExpectCleanError(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("hetong: ", 0), 0u) << r.err;
  }
  TempDir dir_;
};

TEST_F(CryptoCliTest, Sm3AndHmacMatchOpenssl) {
  Write("m.bin", std::string(1000, 'a') + "合同");
  auto ours = Hetong({"crypto", "sm3", "--in", F("m.bin")});
  auto theirs = Openssl({"dgst", "-sm3", "-r", F("m.bin")});
  ASSERT_EQ(ours.exit_code, 0);
  EXPECT_EQ(ours.out.substr(0, 64), theirs.out.substr(0, 64));
  EXPECT_EQ(Hetong({"crypto", "sm3"}, "abc").out,
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n");
  auto hmac =
      Hetong({"crypto", "hmac-sm3", "--key-hex", "4a656665"}, "what do ya want for nothing?");
  EXPECT_EQ(hmac.out, "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882\n");
}

TEST_F(CryptoCliTest, Sm2SignaturesVerifyBothWays) {
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "sm2", "--out", F("k.pem")}).exit_code, 0);
  ASSERT_EQ(Hetong({"crypto", "pubkey", "--in", F("k.pem"), "--out", F("p.pem")}).exit_code, 0);
  Write("m.txt", "电子合同 sign me");
  ASSERT_EQ(Hetong({"crypto", "sign", "--key", F("k.pem"), "--in", F("m.txt"), "--out", F("s.der")})
                .exit_code,
            0);
  auto v =
      Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("p.pem"), "-rawin", "-digest", "sm3",
               "-pkeyopt", "distid:1234567812345678", "-in", F("m.txt"), "-sigfile", F("s.der")});
  EXPECT_EQ(v.exit_code, 0) << v.err << v.out;
  // OpenSSL signs, hetong verifies.
  ASSERT_EQ(Openssl({"pkeyutl", "-sign", "-inkey", F("k.pem"), "-rawin", "-digest", "sm3",
                     "-pkeyopt", "distid:1234567812345678", "-in", F("m.txt"), "-out", F("s2.der")})
                .exit_code,
            0);
  auto ok =
      Hetong({"crypto", "verify", "--pub", F("p.pem"), "--in", F("m.txt"), "--sig", F("s2.der")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("valid"), std::string::npos);
  // A custom ID must match on both sides.
  ASSERT_EQ(Hetong({"crypto", "sign", "--key", F("k.pem"), "--id", "alice@example.cn", "--in",
                    F("m.txt"), "--out", F("s3.der")})
                .exit_code,
            0);
  EXPECT_EQ(
      Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("p.pem"), "-rawin", "-digest", "sm3",
               "-pkeyopt", "distid:alice@example.cn", "-in", F("m.txt"), "-sigfile", F("s3.der")})
          .exit_code,
      0);
  EXPECT_EQ(
      Hetong({"crypto", "verify", "--pub", F("p.pem"), "--in", F("m.txt"), "--sig", F("s3.der")})
          .exit_code,
      1);
  // Tampered message: exit 1 and says so.
  Write("m2.txt", "电子合同 sign mE");
  auto bad =
      Hetong({"crypto", "verify", "--pub", F("p.pem"), "--in", F("m2.txt"), "--sig", F("s.der")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("NOT valid"), std::string::npos);
  // Truncated signature: still a clean "not valid".
  std::string sig = Read("s.der");
  Write("trunc.der", sig.substr(0, sig.size() - 3));
  EXPECT_EQ(
      Hetong({"crypto", "verify", "--pub", F("p.pem"), "--in", F("m.txt"), "--sig", F("trunc.der")})
          .exit_code,
      1);
}

TEST_F(CryptoCliTest, RsaAndEcdsaInterop) {
  for (std::string alg : {"rsa2048", "rsa3072", "ecdsa-p256"}) {
    ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", alg, "--out", F("k.pem")}).exit_code, 0);
    ASSERT_EQ(Hetong({"crypto", "pubkey", "--in", F("k.pem"), "--out", F("p.pem")}).exit_code, 0);
    Write("m.txt", "contract " + alg);
    ASSERT_EQ(
        Hetong({"crypto", "sign", "--key", F("k.pem"), "--in", F("m.txt"), "--out", F("s.der")})
            .exit_code,
        0);
    EXPECT_EQ(
        Openssl({"dgst", "-sha256", "-verify", F("p.pem"), "-signature", F("s.der"), F("m.txt")})
            .exit_code,
        0)
        << alg;
    ASSERT_EQ(Openssl({"dgst", "-sha256", "-sign", F("k.pem"), "-out", F("s2.der"), F("m.txt")})
                  .exit_code,
              0);
    EXPECT_EQ(
        Hetong({"crypto", "verify", "--pub", F("p.pem"), "--in", F("m.txt"), "--sig", F("s2.der")})
            .exit_code,
        0)
        << alg;
  }
  // PSS
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "rsa2048", "--out", F("r.pem")}).exit_code, 0);
  ASSERT_EQ(Hetong({"crypto", "pubkey", "--in", F("r.pem"), "--out", F("rp.pem")}).exit_code, 0);
  ASSERT_EQ(Hetong({"crypto", "sign", "--pss", "--key", F("r.pem"), "--in", F("m.txt"), "--out",
                    F("pss.der")})
                .exit_code,
            0);
  EXPECT_EQ(Openssl({"dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt",
                     "rsa_pss_saltlen:digest", "-verify", F("rp.pem"), "-signature", F("pss.der"),
                     F("m.txt")})
                .exit_code,
            0);
}

TEST_F(CryptoCliTest, Sm2EncryptionBothWays) {
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "sm2", "--out", F("k.pem")}).exit_code, 0);
  ASSERT_EQ(Hetong({"crypto", "pubkey", "--in", F("k.pem"), "--out", F("p.pem")}).exit_code, 0);
  Write("m.txt", "SM2 加密 test");
  ASSERT_EQ(
      Hetong({"crypto", "encrypt", "--pub", F("p.pem"), "--in", F("m.txt"), "--out", F("c.der")})
          .exit_code,
      0);
  auto d = Openssl({"pkeyutl", "-decrypt", "-inkey", F("k.pem"), "-in", F("c.der")});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, "SM2 加密 test");
  ASSERT_EQ(Openssl({"pkeyutl", "-encrypt", "-pubin", "-inkey", F("p.pem"), "-in", F("m.txt"),
                     "-out", F("c2.der")})
                .exit_code,
            0);
  auto ours = Hetong({"crypto", "decrypt", "--key", F("k.pem"), "--in", F("c2.der")});
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, "SM2 加密 test");
  // A wrong C3 is refused with one clear line.
  std::string c = Read("c2.der");
  c[c.size() - 25] ^= 1;  // inside C3 or C2
  Write("bad.der", c);
  ExpectCleanError(Hetong({"crypto", "decrypt", "--key", F("k.pem"), "--in", F("bad.der")}));
}

TEST_F(CryptoCliTest, Sm4MatchesOpensslEnc) {
  std::string key = "0123456789abcdeffedcba9876543210", iv = "00112233445566778899aabbccddeeff";
  for (size_t len : {0, 5, 16, 33, 4096}) {
    Write("p.bin", std::string(len, 'z'));
    for (std::string mode : {"ecb", "cbc", "ctr"}) {
      std::vector<std::string> ours = {"crypto",    "sm4",       "--mode",  mode,
                                       "--encrypt", "--key-hex", key,       "--in",
                                       F("p.bin"),  "--out",     F("o.bin")};
      std::vector<std::string> theirs = {"enc", "-sm4-" + mode, "-K",   key,
                                         "-in", F("p.bin"),     "-out", F("t.bin")};
      if (mode != "ecb") {
        ours.insert(ours.end(), {"--iv-hex", iv});
        theirs.insert(theirs.end(), {"-iv", iv});
      }
      ASSERT_EQ(Hetong(ours).exit_code, 0) << mode;
      ASSERT_EQ(Openssl(theirs).exit_code, 0) << mode;
      EXPECT_EQ(Read("o.bin"), Read("t.bin")) << mode << " " << len;
      // And back with openssl -d.
      std::vector<std::string> back = {"enc", "-d",       "-sm4-" + mode, "-K",      key,
                                       "-in", F("o.bin"), "-out",         F("b.bin")};
      if (mode != "ecb") back.insert(back.end(), {"-iv", iv});
      ASSERT_EQ(Openssl(back).exit_code, 0);
      EXPECT_EQ(Read("b.bin"), std::string(len, 'z'));
    }
  }
  // --no-pad against -nopad.
  Write("p.bin", std::string(32, 'q'));
  ASSERT_EQ(Hetong({"crypto", "sm4", "--mode", "cbc", "-e", "--no-pad", "--key-hex", key,
                    "--iv-hex", iv, "--in", F("p.bin"), "--out", F("o.bin")})
                .exit_code,
            0);
  ASSERT_EQ(Openssl({"enc", "-sm4-cbc", "-nopad", "-K", key, "-iv", iv, "-in", F("p.bin"), "-out",
                     F("t.bin")})
                .exit_code,
            0);
  EXPECT_EQ(Read("o.bin"), Read("t.bin"));
}

TEST_F(CryptoCliTest, Sm4GcmWrongTagWritesNothing) {
  std::string key = "0123456789abcdeffedcba9876543210";
  Write("p.bin", "attack at dawn");
  ASSERT_EQ(Hetong({"crypto", "sm4", "--mode", "gcm", "-e", "--key-hex", key, "--iv-hex",
                    "00001234567800000000abcd", "--aad-hex", "feed", "--in", F("p.bin"), "--out",
                    F("c.bin")})
                .exit_code,
            0);
  EXPECT_EQ(Read("c.bin").size(), 14u + 16u);
  auto ok = Hetong({"crypto", "sm4", "--mode", "gcm", "-d", "--key-hex", key, "--iv-hex",
                    "00001234567800000000abcd", "--aad-hex", "feed", "--in", F("c.bin")});
  EXPECT_EQ(ok.out, "attack at dawn");
  auto bad = Hetong({"crypto", "sm4", "--mode", "gcm", "-d", "--key-hex", key, "--iv-hex",
                     "00001234567800000000abcd", "--aad-hex", "beef", "--in", F("c.bin"), "--out",
                     F("out.bin")});
  ExpectCleanError(bad);
  EXPECT_FALSE(std::filesystem::exists(F("out.bin")));
  // Non-96-bit IVs are allowed (SP 800-38D).
  EXPECT_EQ(Hetong({"crypto", "sm4", "--mode", "gcm", "-e", "--key-hex", key, "--iv-hex", "00",
                    "--in", F("p.bin")})
                .exit_code,
            0);
}

TEST_F(CryptoCliTest, KeysInterchangeWithOpenssl) {
  Write("pw.txt", "correct horse\n");
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "sm2", "--out", F("enc.pem"), "--pass-file",
                    F("pw.txt")})
                .exit_code,
            0);
  EXPECT_NE(Read("enc.pem").find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  auto p = Openssl({"pkey", "-in", F("enc.pem"), "-passin", "pass:correct horse", "-noout"});
  EXPECT_EQ(p.exit_code, 0) << p.err;
  ExpectCleanError(Hetong({"crypto", "pubkey", "--in", F("enc.pem")}));
  Write("wrong.txt", "incorrect\n");
  auto wrong = Hetong({"crypto", "pubkey", "--in", F("enc.pem"), "--pass-file", F("wrong.txt")});
  ExpectCleanError(wrong);
  EXPECT_NE(wrong.err.find("wrong password"), std::string::npos);
  // Keys made by openssl work in hetong.
  for (std::vector<std::string> gen :
       {std::vector<std::string>{"genpkey", "-algorithm", "SM2"},
        std::vector<std::string>{"genpkey", "-algorithm", "RSA", "-pkeyopt",
                                 "rsa_keygen_bits:2048"},
        std::vector<std::string>{"ecparam", "-name", "prime256v1", "-genkey", "-noout"}}) {
    gen.insert(gen.end(), {"-out", F("o.pem")});
    ASSERT_EQ(Openssl(gen).exit_code, 0);
    Write("m.txt", "x");
    EXPECT_EQ(
        Hetong({"crypto", "sign", "--key", F("o.pem"), "--in", F("m.txt"), "--out", F("s.der")})
            .exit_code,
        0)
        << gen[1];
  }
}

TEST_F(CryptoCliTest, BadInputGivesOneClearLine) {
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "rsa2048", "--out", F("rsa.pem")}).exit_code, 0);
  Write("m.txt", "x");
  Write("garbage.pem", "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
  ExpectCleanError(Hetong({"crypto", "sign", "--key", F("garbage.pem"), "--in", F("m.txt")}));
  ExpectCleanError(Hetong({"crypto", "sign", "--key", F("missing.pem"), "--in", F("m.txt")}));
  // SM2 encryption with an RSA key.
  ASSERT_EQ(Hetong({"crypto", "pubkey", "--in", F("rsa.pem"), "--out", F("rsa.pub")}).exit_code, 0);
  ExpectCleanError(Hetong({"crypto", "encrypt", "--pub", F("rsa.pub"), "--in", F("m.txt")}));
  ExpectCleanError(
      Hetong({"crypto", "sm4", "--mode", "cbc", "-e", "--key-hex", "zz", "--iv-hex", "00"}, "x"));
  ExpectCleanError(Hetong(
      {"crypto", "sm4", "--mode", "cbc", "-e", "--key-hex", "00112233445566778899aabbccddeeff"},
      "x"));
  auto usage = Hetong({"crypto", "sm4", "--mode", "xts"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(Hetong({"crypto", "sign", "--help"}).exit_code, 0);
}

TEST_F(CryptoCliTest, EnvelopesAndShares) {
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "sm2", "--out", F("k.pem")}).exit_code, 0);
  ASSERT_EQ(Hetong({"crypto", "pubkey", "--in", F("k.pem"), "--out", F("p.pem")}).exit_code, 0);
  Write("id.txt", "110101199003071234");
  ASSERT_EQ(Hetong({"crypto", "envelope", "seal", "--pub", F("p.pem"), "--in", F("id.txt"), "--out",
                    F("e.der")})
                .exit_code,
            0);
  auto asn1 = Openssl({"asn1parse", "-inform", "DER", "-in", F("e.der")});
  EXPECT_NE(asn1.out.find("1.2.156.10197.6.1.4.2.3"), std::string::npos) << asn1.out;
  auto open = Hetong({"crypto", "envelope", "open", "--key", F("k.pem"), "--in", F("e.der")});
  EXPECT_EQ(open.out, "110101199003071234");
  ASSERT_EQ(Hetong({"crypto", "keygen", "--alg", "sm2", "--out", F("other.pem")}).exit_code, 0);
  ExpectCleanError(
      Hetong({"crypto", "envelope", "open", "--key", F("other.pem"), "--in", F("e.der")}));
  // Shamir: 3 of 5, any 3 rebuild.
  ASSERT_EQ(Hetong({"crypto", "random", "--bytes", "32", "--out", F("secret.bin")}).exit_code, 0);
  auto split =
      Hetong({"crypto", "split", "--threshold", "3", "--shares", "5", "--in", F("secret.bin")});
  ASSERT_EQ(split.exit_code, 0);
  std::vector<std::string> lines;
  std::stringstream ss(split.out);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 5u);
  auto combined = Hetong({"crypto", "combine", "--out", F("back.bin")},
                         lines[4] + "\n" + lines[0] + "\n" + lines[2] + "\n");
  ASSERT_EQ(combined.exit_code, 0) << combined.err;
  EXPECT_EQ(Read("back.bin"), Read("secret.bin"));
  ExpectCleanError(Hetong({"crypto", "combine"}, lines[0] + "\n" + lines[1] + "\n"));
  auto hex = Hetong({"crypto", "random", "--bytes", "16", "--hex"});
  EXPECT_EQ(hex.out.size(), 33u);
}

}  // namespace
}  // namespace hetong
