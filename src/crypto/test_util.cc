#include "crypto/test_util.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "testing/testing.h"

namespace hetong::crypto::testing {

TestIdentity MakeSelfSigned(KeySpec spec, const std::string& cn) {
  auto key = PrivateKey::Generate(spec);
  HETONG_CHECK(key.ok());
  hetong::testing::TempDir dir;
  auto pem = key->ToPkcs8Pem();
  HETONG_CHECK(pem.ok());
  dir.Write("key.pem", std::string(pem->RevealString(SecretAccess::Unsafe())));
  std::vector<std::string> argv = {"openssl", "req",
                                   "-new",    "-x509",
                                   "-key",    dir.File("key.pem"),
                                   "-subj",   "/CN=" + cn + "/O=hetong test/C=CN",
                                   "-days",   "30",
                                   "-out",    dir.File("cert.pem")};
  if (spec == KeySpec::kSm2) {
    argv.insert(argv.end(), {"-sm3", "-sigopt", "distid:1234567812345678"});
  } else {
    argv.push_back("-sha256");
  }
  auto r = hetong::testing::RunCommand(argv);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "openssl req failed: " << r.err;
    std::abort();
  }
  auto cert_pem = dir.Read("cert.pem");
  auto cert = ParseCertificateInfo(cert_pem);
  HETONG_CHECK(cert.ok());
  return TestIdentity{std::move(*key), std::move(*cert)};
}

SecretBytes Key(const std::string& hex) { return SecretBytes::Copy(hetong::testing::Hex(hex)); }

}  // namespace hetong::crypto::testing
