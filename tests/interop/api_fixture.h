// The fixture of the /api/v1 tests (api_test.cc, contract_api_test.cc): a demo instance served
// by `hetong serve` on loopback, driven with curl, with helpers for registration, login and
// sandbox verification.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/testing.h"

namespace hetong::apitest {

using nlohmann::json;
using testing::RunCommand;

inline constexpr const char* kCanaryPassword = "Canary-Pw-58213";
inline constexpr const char* kCanaryId = "11010519491231002X";

struct Reply {
  int status = 0;
  std::string headers;  // raw, lower-cased
  std::string raw;
  json body;
};

class ApiTest : public ::testing::Test {
 protected:
  void StartInstance(const std::string& key_algorithm, bool tls = false,
                     const std::function<void()>& before_serve = nullptr,
                     const std::string& extra_identity_config = "") {
    dir_ = tmp_.File("inst");
    int port = testing::FreePort();
    auto init = RunCommand({testing::HetongBinary(), "init", "--data", dir_, "--demo", "--listen",
                            "127.0.0.1:" + std::to_string(port)});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    std::ofstream conf(dir_ + "/hetong.conf", std::ios::app);
    conf << "\n[identity]\npassword_iterations = 10000\nkey_algorithm = " << key_algorithm << "\n"
         << extra_identity_config;
    if (tls) conf << "\n[server]\ntls = instance\n";
    conf.close();
    if (before_serve) before_serve();
    log_ = tmp_.File("serve.log");
    server_ = std::make_unique<testing::ServerProcess>(dir_, port, log_, tls);
    ASSERT_TRUE(server_->running());
    base_ = server_->url();
  }

  Reply Call(const std::string& method, const std::string& path, const json& body = nullptr,
             const std::string& token = "", std::vector<std::string> extra = {},
             const std::string& raw_body = "") {
    std::vector<std::string> argv = {"curl",
                                     "-s",
                                     "-S",
                                     "--max-time",
                                     "20",
                                     "-X",
                                     method,
                                     "-D",
                                     tmp_.File("h.txt"),
                                     "-o",
                                     tmp_.File("b.txt"),
                                     "-w",
                                     "%{http_code}"};
    if (!cacert_.empty()) argv.insert(argv.end(), {"--cacert", cacert_});
    std::string data = raw_body.empty() && !body.is_null() ? body.dump() : raw_body;
    if (!data.empty()) {
      argv.insert(argv.end(), {"--data-binary", "@-"});
      bool has_ct = false;
      for (const auto& e : extra) has_ct = has_ct || e.rfind("Content-Type", 0) == 0;
      if (!has_ct) argv.insert(argv.end(), {"-H", "Content-Type: application/json"});
    }
    if (!token.empty()) argv.insert(argv.end(), {"-H", "Authorization: Bearer " + token});
    for (const auto& e : extra) argv.insert(argv.end(), {"-H", e});
    argv.push_back(base_ + path);
    auto r = RunCommand(argv, data);
    Reply reply;
    reply.status = std::atoi(r.out.c_str());
    auto h = tmp_.Read("h.txt");
    reply.headers.assign(h.begin(), h.end());
    for (auto& c : reply.headers)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto b = tmp_.Read("b.txt");
    reply.raw.assign(b.begin(), b.end());
    reply.body = json::parse(reply.raw, nullptr, false);
    responses_ += reply.raw;
    return reply;
  }

  json Register(const std::string& name, const std::string& email, const std::string& id_number,
                const std::string& password = kCanaryPassword) {
    Reply r = Call("POST", "/api/v1/auth/register",
                   {{"name", name},
                    {"email", email},
                    {"id_number", id_number},
                    {"password", password},
                    {"mobile", "13800138000"}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body;
  }

  std::string Login(const std::string& email, const std::string& password = kCanaryPassword) {
    Reply r = Call("POST", "/api/v1/auth/login", {{"email", email}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("token", "");
  }

  // Registers, logs in and passes the sandbox verification; returns the token.
  std::string VerifiedPerson(const std::string& name, const std::string& email,
                             const std::string& id_number) {
    Register(name, email, id_number);
    std::string token = Login(email);
    Reply v = Call("POST", "/api/v1/identity/verifications", {{"provider", "sandbox"}}, token);
    EXPECT_EQ(v.status, 201) << v.raw;
    EXPECT_EQ(v.body.value("state", ""), "approved") << v.raw;
    return token;
  }

  std::string ServerLog() {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // The certificate in /me verifies with openssl against the instance's CA chain.
  void CheckCertificate(const json& me, const std::string& family, const std::string& expect_cn) {
    ASSERT_EQ(me["certificates"].size(), 1u) << me.dump(1);
    tmp_.Write("cert.pem", me["certificates"][0]["pem"].get<std::string>());
    for (std::string ca : {family + "-root", family + "-ca"}) {
      auto r = RunCommand(
          {"curl", "-s", "-o", tmp_.File(ca + ".pem"), base_ + "/pki/ca/" + ca + ".pem"});
      ASSERT_EQ(r.exit_code, 0);
    }
    if (family == "rsa") {
      auto v = RunCommand({"openssl", "verify", "-CAfile", tmp_.File("rsa-root.pem"), "-untrusted",
                           tmp_.File("rsa-ca.pem"), tmp_.File("cert.pem")});
      EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    } else {
      // OpenSSL 3.0 applies the SM2 ID only to the target certificate of `verify`
      // (reference/openssl-3.0-sm-notes.md, 1f): check each link of the chain.
      auto link1 = RunCommand({"openssl", "verify", "-CAfile", tmp_.File("sm2-root.pem"), "-vfyopt",
                               "distid:1234567812345678", tmp_.File("sm2-ca.pem")});
      EXPECT_EQ(link1.exit_code, 0) << link1.out << link1.err;
      auto link2 =
          RunCommand({"openssl", "verify", "-partial_chain", "-CAfile", tmp_.File("sm2-ca.pem"),
                      "-vfyopt", "distid:1234567812345678", tmp_.File("cert.pem")});
      EXPECT_EQ(link2.exit_code, 0) << link2.out << link2.err;
    }
    auto subj = RunCommand({"openssl", "x509", "-in", tmp_.File("cert.pem"), "-noout", "-subject",
                            "-nameopt", "utf8,sep_comma_plus", "-text"});
    EXPECT_NE(subj.out.find("CN=" + expect_cn), std::string::npos) << subj.out;
    EXPECT_NE(subj.out.find("SANDBOX"), std::string::npos) << subj.out;
    EXPECT_NE(subj.out.find(family == "sm2" ? "SM2" : "rsaEncryption"), std::string::npos);
    EXPECT_EQ(subj.out.find(kCanaryId), std::string::npos) << "the ID number is in the certificate";
  }

  testing::TempDir tmp_;
  std::string dir_, log_, base_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::string responses_;  // every response body, for the canary check
  std::string cacert_;     // for HTTPS
};

}  // namespace hetong::apitest
