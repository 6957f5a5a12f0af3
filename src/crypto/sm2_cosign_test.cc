#include "crypto/sm2_cosign.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/signature.h"
#include "testing/testing.h"

namespace hetong::crypto {
namespace {

struct Pair {
  Sm2CosignClient client;
  Sm2CosignServer server;
};

Pair KeyGen() {
  auto client = Sm2CosignClient::Generate();
  auto server = Sm2CosignServer::Generate();
  HETONG_CHECK(client.ok() && server.ok());
  auto resp = server->HandleKeygen(client->KeygenRequest());
  HETONG_CHECK(resp.ok());
  HETONG_CHECK(client->FinishKeygen(*resp).ok());
  return Pair{std::move(*client), std::move(*server)};
}

StatusOr<Bytes> Sign(const Pair& p, ByteView msg) {
  HETONG_ASSIGN_OR_RETURN(auto cs, p.client.BeginSign(msg));
  HETONG_ASSIGN_OR_RETURN(auto ss, p.server.BeginSign(cs->request()));
  HETONG_ASSIGN_OR_RETURN(Bytes challenge, cs->Respond(ss->commitment()));
  HETONG_ASSIGN_OR_RETURN(Bytes response, ss->Respond(challenge));
  return cs->Finish(response);
}

TEST(Sm2CosignTest, ThousandRunsVerifyWithOpenssl) {
  for (int run = 0; run < 1000; ++run) {
    Pair p = KeyGen();
    PublicKey pub = *p.client.public_key();
    EXPECT_TRUE(pub.Equals(*p.server.public_key()));
    Bytes msg = ToBytes("contract #" + std::to_string(run));
    auto sig = Sign(p, msg);
    ASSERT_TRUE(sig.ok()) << sig.status();
    // OpenSSL's EVP SM2 verification with the default ID.
    ASSERT_TRUE(VerifySignature(pub, SignatureAlgorithm::kSm2Sm3, msg, *sig).ok()) << run;
  }
}

TEST(Sm2CosignTest, SharesSurviveExportAndReload) {
  Pair p = KeyGen();
  PublicKey pub = *p.client.public_key();
  auto client = Sm2CosignClient::FromShare(p.client.ExportShare(), *pub.EcPoint());
  auto server = Sm2CosignServer::FromShare(p.server.ExportShare(), *p.server.client_point());
  ASSERT_TRUE(client.ok() && server.ok());
  Pair reloaded{std::move(*client), std::move(*server)};
  auto sig = Sign(reloaded, AsBytes("after restart"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(
      VerifySignature(pub, SignatureAlgorithm::kSm2Sm3, AsBytes("after restart"), *sig).ok());
}

TEST(Sm2CosignTest, TamperedMessagesFailInsteadOfSigning) {
  Pair p = KeyGen();
  Bytes msg = ToBytes("pay 100");
  // Flip every byte position of every server message in turn: never a bad signature out.
  for (int target = 0; target < 2; ++target) {
    for (size_t pos = 0; pos < 132; pos += 7) {
      auto cs = *p.client.BeginSign(msg);
      auto ss = *p.server.BeginSign(cs->request());
      Bytes commitment = ss->commitment();
      if (target == 0 && pos < commitment.size()) commitment[pos] ^= 0x01;
      auto challenge = cs->Respond(commitment);
      if (!challenge.ok()) continue;  // rejected early: fine
      auto response = ss->Respond(*challenge);
      ASSERT_TRUE(response.ok());
      Bytes resp = *response;
      if (target == 1 && pos < resp.size()) resp[pos] ^= 0x01;
      auto sig = cs->Finish(resp);
      if (sig.ok()) {
        // Only possible when nothing effective was changed; it must then verify.
        EXPECT_TRUE(
            VerifySignature(*p.client.public_key(), SignatureAlgorithm::kSm2Sm3, msg, *sig).ok());
        EXPECT_TRUE((target == 0 && pos >= commitment.size()) ||
                    (target == 1 && pos >= resp.size()))
            << "tampering at " << pos << " was not detected";
      }
    }
  }
}

TEST(Sm2CosignTest, WrongShareOrReusedSessionFails) {
  Pair p = KeyGen();
  Pair q = KeyGen();
  // The client of p with the server of q.
  auto cs = *p.client.BeginSign(AsBytes("m"));
  auto other = Sm2CosignServer::FromShare(q.server.ExportShare(), *p.server.client_point());
  auto ss = *other->BeginSign(cs->request());
  auto challenge = cs->Respond(ss->commitment());
  ASSERT_TRUE(challenge.ok());
  auto response = ss->Respond(*challenge);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(cs->Finish(*response).status().code(), StatusCode::kUnauthenticated);
  // A server session answers once.
  EXPECT_FALSE(ss->Respond(*challenge).ok());
  // Keygen response from a lying server.
  auto client = *Sm2CosignClient::Generate();
  auto server = *Sm2CosignServer::Generate();
  Bytes resp = *server.HandleKeygen(client.KeygenRequest());
  Bytes forged = resp;
  Bytes foreign_point = *q.client.public_key()->EcPoint();
  std::copy(foreign_point.begin(), foreign_point.end(), forged.begin() + 2 + 65);
  EXPECT_FALSE(client.FinishKeygen(forged).ok());
  EXPECT_TRUE(client.FinishKeygen(resp).ok());
  // Garbage messages.
  EXPECT_FALSE(p.server.BeginSign(Bytes{1, 3, 0}).ok());
  EXPECT_FALSE(server.HandleKeygen(Bytes(67, 0)).ok());
}

}  // namespace
}  // namespace hetong::crypto
