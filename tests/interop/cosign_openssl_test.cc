// Collaborative SM2 signatures checked by the real `openssl pkeyutl` (not only libcrypto).

#include <gtest/gtest.h>

#include "crypto/sm2_cosign.h"
#include "testing/testing.h"

namespace hetong {
namespace {

TEST(CosignOpensslTest, OpensslBinaryVerifiesCollaborativeSignatures) {
  testing::TempDir dir;
  for (int run = 0; run < 5; ++run) {
    auto client = *crypto::Sm2CosignClient::Generate();
    auto server = *crypto::Sm2CosignServer::Generate();
    ASSERT_TRUE(client.FinishKeygen(*server.HandleKeygen(client.KeygenRequest())).ok());
    std::string msg = "co-signed contract " + std::to_string(run);
    auto cs = *client.BeginSign(AsBytes(msg));
    auto ss = *server.BeginSign(cs->request());
    auto sig = cs->Finish(*ss->Respond(*cs->Respond(ss->commitment())));
    ASSERT_TRUE(sig.ok());
    dir.Write("pub.pem", client.public_key()->ToPem());
    dir.Write("m.txt", msg);
    dir.Write("s.der", *sig);
    auto r = testing::RunCommand({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                                  dir.File("pub.pem"), "-rawin", "-digest", "sm3", "-pkeyopt",
                                  "distid:1234567812345678", "-in", dir.File("m.txt"), "-sigfile",
                                  dir.File("s.der")});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
}

}  // namespace
}  // namespace hetong
