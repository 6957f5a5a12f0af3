// Evidence packages: build and verify round trip, each kind of tampering detected with its
// own reason, trust anchors supplied or not, and hostile zips refused without crashing.

#include "evidence/package.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "base/encoding.h"
#include "base/file.h"
#include "evidence/internal/zip.h"
#include "evidence/test_env.h"
#include "testing/testing.h"

namespace hetong::evidence {
namespace {

using nlohmann::json;
using testing::EvidenceTestEnv;

const PackageCheck* Find(const PackageReport& r, std::string_view prefix) {
  for (const auto& c : r.checks) {
    if (c.name.starts_with(prefix)) return &c;
  }
  return nullptr;
}

std::vector<std::string> Failed(const PackageReport& r) {
  std::vector<std::string> out;
  for (const auto& c : r.checks) {
    if (!c.passed) out.push_back(c.name + ": " + c.detail);
  }
  return out;
}

using Files = std::map<std::string, Bytes>;

Files Unzip(const Bytes& zip) {
  internal::ZipLimits limits;
  limits.max_size = [](const std::string&) { return uint64_t{1} << 30; };
  auto entries = internal::ReadZip(zip, limits);
  HETONG_CHECK(entries.ok());
  Files out;
  for (auto& e : *entries) out[e.name] = e.data;
  return out;
}

// Re-zips `files`; with `fix_manifest` the manifest's digests are recomputed, so that only
// the deeper checks can notice the change.
Bytes Rezip(Files files, bool fix_manifest = true) {
  if (fix_manifest) {
    json m = json::parse(ToString(files["manifest.json"]));
    json listed = json::array();
    for (const auto& [name, data] : files) {
      if (name == "manifest.json") continue;
      listed.push_back({{"name", name},
                        {"role", "x"},
                        {"size", data.size()},
                        {"sm3", base::HexEncode(crypto::Sm3(data))}});
    }
    m["files"] = listed;
    files["manifest.json"] = ToBytes(m.dump());
  }
  std::vector<internal::ZipEntry> entries;
  for (auto& [name, data] : files) entries.push_back({name, data});
  return *internal::WriteZip(entries, base::FromUnixSeconds(1795708450));
}

json EventsJson(const Files& f) { return json::parse(ToString(f.at("events.json"))); }
void SetEvents(Files& f, const json& j) { f["events.json"] = ToBytes(j.dump()); }

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    document_ = ToBytes("%PDF-1.7 a signed contract");
    std::string digest = base::HexEncode(crypto::Sm3(document_));
    base::TimePoint t = env_.clock.Now();
    auto add = [&](std::string type, std::string subject, std::string details) {
      auto a = env_.log.Append(Event{type, subject, "a_42", t, details});
      ASSERT_TRUE(a.ok()) << a.status();
      t += std::chrono::seconds(1);
    };
    add("account.registered", "a_42", "{}");
    add("contract.created", "c_1", "{\"document_sm3\":\"" + std::string(64, '0') + "\"}");
    add("contract.sent", "c_1", "{}");
    add("login", "a_42", "{}");
    add("contract.viewed", "c_1", "{}");
    add("contract.signed", "c_1", "{\"document_sm3\":\"" + digest + "\"}");
    add("contract.viewed", "c_2", "{}");
    env_.clock.Advance(std::chrono::seconds(10));
    auto head = env_.log.SignHead(*env_.log_key.signer, env_.tsa_source.get());
    ASSERT_TRUE(head.ok()) << head.status();
    ASSERT_TRUE(CollectFromLog(env_.log, "c_1", inputs_).ok());
    inputs_.document = document_;
    inputs_.document_name = "contract.pdf";
    inputs_.log_chain = {env_.log_key.cert, env_.ca.cert};
    inputs_.tsa_chain = {env_.tsa_key.cert, env_.ca.cert};
    inputs_.roots = {env_.root.cert};
    inputs_.created_at = env_.clock.Now();
    auto zip = BuildPackage(inputs_);
    ASSERT_TRUE(zip.ok()) << zip.status();
    zip_ = *zip;
    trusted_.anchors = {env_.root.cert};
  }

  PackageReport Verify(const Bytes& zip, const PackageVerifyOptions& options) {
    auto r = VerifyPackage(zip, options);
    HETONG_CHECK(r.ok());
    return *r;
  }
  PackageReport Verify(const Bytes& zip) { return Verify(zip, trusted_); }

  EvidenceTestEnv env_;
  Bytes document_;
  PackageInputs inputs_;
  Bytes zip_;
  PackageVerifyOptions trusted_;
};

TEST_F(PackageTest, RoundTripPassesEveryCheck) {
  EXPECT_EQ(inputs_.events.size(), 4u);
  auto files = Unzip(zip_);
  for (const char* name :
       {"manifest.json", "document/contract.pdf", "events.json", "sth.json", "sth.sig", "sth.tst",
        "certificates/log.pem", "certificates/tsa.pem", "certificates/roots.pem"}) {
    EXPECT_TRUE(files.contains(name)) << name;
  }
  PackageReport r = Verify(zip_);
  EXPECT_TRUE(r.ok()) << ReportText(r);
  EXPECT_EQ(r.subject, "c_1");
  EXPECT_EQ(r.event_count, 4u);
  EXPECT_EQ(r.tree_size, 7u);
  EXPECT_EQ(r.root_source, AnchorSource::kVerifier);
  EXPECT_EQ(r.root_sha256, base::HexEncode(crypto::Sha256(env_.root.cert.der())));
  EXPECT_TRUE(r.timestamp_time.has_value());
  for (const char* check :
       {"manifest", "tree head files", "event 1 ", "event 5 ", "event chain", "document binding",
        "time-stamp", "tree head signature", "log certificate"}) {
    ASSERT_NE(Find(r, check), nullptr) << check;
    EXPECT_TRUE(Find(r, check)->passed) << check;
  }
  EXPECT_NE(ReportText(r).find("VALID: every check passed"), std::string::npos);
  json j = json::parse(ReportJson(r));
  EXPECT_EQ(j["valid"], true);
  EXPECT_EQ(j["root"]["source"], "verifier");
  // The same inputs give the same bytes.
  EXPECT_EQ(*BuildPackage(inputs_), zip_);
}

TEST_F(PackageTest, PackageOnlyRootPassesWithItsFingerprint) {
  PackageReport r = Verify(zip_, PackageVerifyOptions{});
  EXPECT_TRUE(r.ok()) << ReportText(r);
  EXPECT_EQ(r.root_source, AnchorSource::kPackageOnly);
  EXPECT_NE(ReportText(r).find("supplied only by the package"), std::string::npos);
  EXPECT_NE(ReportText(r).find(r.root_sha256), std::string::npos);
}

TEST_F(PackageTest, WrongAnchorIsDetected) {
  EvidenceTestEnv other;
  PackageVerifyOptions wrong;
  wrong.anchors = {other.root.cert};
  // The package's own root still gives a path, but not one the verifier supplied.
  EXPECT_EQ(Verify(zip_, wrong).root_source, AnchorSource::kPackageOnly);
  // Without the package's root there is none.
  auto files = Unzip(zip_);
  files.erase("certificates/roots.pem");
  PackageReport r = Verify(Rezip(files), wrong);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(Find(r, "log certificate")->passed);
  EXPECT_FALSE(Find(r, "time-stamp")->passed);
  EXPECT_TRUE(Find(r, "tree head signature")->passed);
}

TEST_F(PackageTest, ChangedEventIsDetected) {
  auto files = Unzip(zip_);
  json ev = EventsJson(files);
  ev["events"][2]["actor"] = "a_99";
  SetEvents(files, ev);
  PackageReport r = Verify(Rezip(files));
  EXPECT_EQ(Failed(r).size(), 1u) << ReportText(r);
  EXPECT_NE(Find(r, "event 4 ")->detail.find("do not give its leaf hash"), std::string::npos);
  // With the leaf hash recomputed to match, the inclusion proof fails instead.
  Event e{ev["events"][2]["type"], "c_1", "a_99",
          *base::ParseRfc3339(ev["events"][2]["at"].get<std::string>()),
          ev["events"][2]["details"]};
  ev["events"][2]["leaf_hash"] =
      base::HexEncode(TreeHasher().HashLeaf(EncodeLeaf(e, ev["events"][2]["previous"])));
  SetEvents(files, ev);
  r = Verify(Rezip(files));
  EXPECT_NE(Find(r, "event 4 ")->detail.find("inclusion proof"), std::string::npos);
  // Without fixing the manifest, the manifest notices too.
  r = Verify(Rezip(files, false));
  EXPECT_FALSE(Find(r, "manifest")->passed);
}

TEST_F(PackageTest, SwappedDocumentIsDetected) {
  auto files = Unzip(zip_);
  files["document/contract.pdf"] = ToBytes("%PDF-1.7 another contract");
  PackageReport r = Verify(Rezip(files));
  EXPECT_EQ(Failed(r).size(), 1u) << ReportText(r);
  EXPECT_NE(Find(r, "document binding")->detail.find("not the one event 5 names"),
            std::string::npos);
  r = Verify(Rezip(files, false));
  EXPECT_NE(Find(r, "manifest")->detail.find("does not match its SM3"), std::string::npos);
  // The caller's document verifier is consulted.
  PackageVerifyOptions opts = trusted_;
  opts.document_verifier = [](ByteView doc, const std::string& name,
                              const std::vector<pki::Certificate>& roots) {
    EXPECT_EQ(roots.size(), 1u);
    return DocumentCheck{false, name + ": " + std::to_string(doc.size()) + " bytes, no signature"};
  };
  r = Verify(zip_, opts);
  auto it = std::find_if(r.checks.begin(), r.checks.end(),
                         [](const PackageCheck& c) { return c.name == "document"; });
  ASSERT_NE(it, r.checks.end());
  EXPECT_EQ(it->detail, "contract.pdf: 26 bytes, no signature");
  EXPECT_FALSE(r.ok());
}

TEST_F(PackageTest, DroppedProofAndDroppedEventAreDetected) {
  auto files = Unzip(zip_);
  json ev = EventsJson(files);
  ev["events"][1].erase("inclusion_proof");
  SetEvents(files, ev);
  PackageReport r = Verify(Rezip(files));
  EXPECT_EQ(Failed(r).size(), 1u) << ReportText(r);
  EXPECT_EQ(Find(r, "event 2 ")->detail, "the event has no inclusion proof");
  ev = EventsJson(Unzip(zip_));
  ev["events"][1]["inclusion_proof"] = json::array();
  SetEvents(files, ev);
  EXPECT_FALSE(Find(Verify(Rezip(files)), "event 2 ")->passed);
  // An event left out of the middle breaks the chain.
  ev = EventsJson(Unzip(zip_));
  ev["events"].erase(2);
  SetEvents(files, ev);
  r = Verify(Rezip(files));
  EXPECT_EQ(Failed(r).size(), 1u) << ReportText(r);
  EXPECT_NE(Find(r, "event chain")->detail.find("not in the package"), std::string::npos);
}

TEST_F(PackageTest, ReplacedTreeHeadSignatureIsDetected) {
  auto files = Unzip(zip_);
  auto head = *TreeHeadFromJson(ToString(files["sth.json"]));
  // A head re-signed by another key, claiming a different root.
  head.root[0] ^= 1;
  auto other_key = *crypto::PrivateKey::Generate(crypto::KeySpec::kSm2);
  auto other = *crypto::NewSigner(other_key);
  ASSERT_TRUE(SignTreeHead(head, *other).ok());
  files["sth.json"] = ToBytes(TreeHeadToJson(head));
  files["sth.sig"] = head.signature;
  PackageReport r = Verify(Rezip(files));
  EXPECT_FALSE(Find(r, "tree head signature")->passed);
  EXPECT_NE(Find(r, "tree head signature")->detail.find("does not verify"), std::string::npos);
  EXPECT_FALSE(Find(r, "time-stamp")->passed);  // the token is over the old signature
  EXPECT_FALSE(Find(r, "event 1 ")->passed);    // proofs lead to the real root
  // Only sth.sig replaced: the files disagree.
  files = Unzip(zip_);
  files["sth.sig"][10] ^= 1;
  r = Verify(Rezip(files));
  EXPECT_EQ(Failed(r).size(), 1u) << ReportText(r);
  EXPECT_NE(Find(r, "tree head files")->detail.find("sth.sig differs"), std::string::npos);
}

TEST_F(PackageTest, LogCertificateMustBeAnEvidenceLogCertificate) {
  // A personal certificate of the same CA signs a head: refused by its extended key usage.
  auto person = pki::testing::Issue(crypto::KeySpec::kSm2, pki::Profile::kPersonal, "张三",
                                    &env_.ca, env_.clock);
  auto head = inputs_.head;
  ASSERT_TRUE(SignTreeHead(head, *person.signer).ok());
  head.timestamp_token =
      *env_.tsa_source->Timestamp(crypto::HashAlgorithm::kSm3, crypto::Sm3(head.signature));
  PackageInputs in = inputs_;
  in.head = head;
  in.log_chain = {person.cert, env_.ca.cert};
  PackageReport r = Verify(*BuildPackage(in));
  EXPECT_EQ(Failed(r).size(), 1u) << ReportText(r);
  EXPECT_NE(Find(r, "log certificate")->detail.find("not an evidence-log certificate"),
            std::string::npos);
}

TEST_F(PackageTest, ManifestListsExactlyTheFiles) {
  auto files = Unzip(zip_);
  files["extra.txt"] = ToBytes("hello");
  PackageReport r = Verify(Rezip(files, false));
  EXPECT_NE(Find(r, "manifest")->detail.find("extra.txt is in the package but not in the manifest"),
            std::string::npos);
  files = Unzip(zip_);
  files.erase("certificates/tsa.pem");
  r = Verify(Rezip(files, false));
  EXPECT_NE(Find(r, "manifest")->detail.find("certificates/tsa.pem is listed but missing"),
            std::string::npos);
}

TEST_F(PackageTest, BuildRefusesUnsoundInputs) {
  PackageInputs in = inputs_;
  in.document_name = "../x.pdf";
  EXPECT_FALSE(BuildPackage(in).ok());
  in = inputs_;
  in.proofs.pop_back();
  EXPECT_FALSE(BuildPackage(in).ok());
  in = inputs_;
  in.events[0].event.subject = "c_2";
  EXPECT_FALSE(BuildPackage(in).ok());
  in = inputs_;
  in.log_chain.clear();
  EXPECT_FALSE(BuildPackage(in).ok());
  PackageInputs none;
  EXPECT_EQ(CollectFromLog(env_.log, "c_nobody", none).code(), StatusCode::kFailedPrecondition);
  // An event after the latest head: collect asks for a new head.
  ASSERT_TRUE(
      env_.log.Append(Event{"contract.viewed", "c_1", "a_42", env_.clock.Now(), "{}"}).ok());
  EXPECT_EQ(CollectFromLog(env_.log, "c_1", none).code(), StatusCode::kFailedPrecondition);
}

// Renames every occurrence of `from` in the raw archive (local and central headers alike).
Bytes Patch(Bytes zip, std::string_view from, std::string_view to) {
  HETONG_CHECK(from.size() == to.size());
  for (size_t i = 0; i + from.size() <= zip.size(); ++i) {
    if (std::equal(from.begin(), from.end(), zip.begin() + static_cast<ptrdiff_t>(i))) {
      std::copy(to.begin(), to.end(), zip.begin() + static_cast<ptrdiff_t>(i));
    }
  }
  return zip;
}

TEST_F(PackageTest, HostileZipsAreRefused) {
  auto expect_error = [&](const Bytes& zip, std::string_view what) {
    auto r = VerifyPackage(zip, trusted_);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << what;
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status();
  };
  expect_error(ToBytes("not a zip at all"), "not a readable zip archive");
  expect_error(Bytes(zip_.begin(), zip_.begin() + static_cast<ptrdiff_t>(zip_.size() / 2)),
               "not a readable zip archive");
  auto files = Unzip(zip_);
  // Path traversal and absolute names.
  auto with = files;
  with["xx/evil.txt"] = ToBytes("x");
  expect_error(Patch(Rezip(with, false), "xx/evil.txt", "../evil.txt"), "unsafe");
  expect_error(Patch(Rezip(with, false), "xx/evil.txt", "/x/evil.txt"), "unsafe");
  // Duplicates.
  with = files;
  with["manifest.jsoX"] = ToBytes("{}");
  expect_error(Patch(Rezip(with, false), "manifest.jsoX", "manifest.json"), "two entries");
  with = files;
  with["document/a.pdX"] = ToBytes("x");
  with["document/a.pdf"] = ToBytes("y");
  with.erase("document/contract.pdf");
  expect_error(Patch(Rezip(with, false), "document/a.pdX", "document/a.pdf"), "two entries");
  // A zip bomb: a small entry that expands beyond its cap.
  with = files;
  with["sth.sig"] = Bytes(8 << 20, 0);
  Bytes bomb = Rezip(with, false);
  EXPECT_LT(bomb.size(), 100000u);
  expect_error(bomb, "sth.sig");
  // Too many entries.
  with = files;
  for (int i = 0; i < 70; ++i) with["x" + std::to_string(i)] = ToBytes("x");
  expect_error(Rezip(with, false), "entries");
  // Missing required files, and unreadable ones.
  with = files;
  with.erase("events.json");
  expect_error(Rezip(with, false), "no events.json");
  with = files;
  with["sth.json"] = ToBytes("{\"version\": 1}");
  expect_error(Rezip(with, false), "sth.json");
  with = files;
  with["manifest.json"] = ToBytes(std::string(100000, '['));
  expect_error(Rezip(with, false), "manifest.json");
  with = files;
  with["document/second.pdf"] = ToBytes("x");
  expect_error(Rezip(with, false), "more than one document");
  // Damaged compressed data.
  Bytes damaged = zip_;
  damaged[200] ^= 0xff;
  auto r = VerifyPackage(damaged, trusted_);
  EXPECT_TRUE(!r.ok() || !r->ok());
}

// Writes a sample package, its root and a consistency-proof set into
// $HETONG_EVIDENCE_SAMPLE_DIR (testdata/evidence/sample/ and the fuzz seeds come from here).
TEST_F(PackageTest, WritesSampleFiles) {
  const char* dir = std::getenv("HETONG_EVIDENCE_SAMPLE_DIR");
  if (!dir) GTEST_SKIP() << "set HETONG_EVIDENCE_SAMPLE_DIR to write the sample files";
  std::string d = dir;
  auto put = [&](const std::string& name, ByteView data) {
    ASSERT_TRUE(base::WriteFileAtomic(d + "/" + name, data).ok()) << name;
  };
  // A text document, so that the sample verifies without a PDF signer.
  PackageInputs in = inputs_;
  in.document_name = "contract.txt";
  put("package.zip", *BuildPackage(in));
  put("root.pem", AsBytes(env_.root.cert.ToPem()));
  put("log.pem", AsBytes(env_.log_key.cert.ToPem()));
  auto old_head = *env_.log.LatestHead();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(env_.log.Append(Event{"login", "a_42", "a_42", env_.clock.Now(), "{}"}).ok());
  }
  env_.clock.Advance(std::chrono::minutes(1));
  auto new_head = *env_.log.SignHead(*env_.log_key.signer, env_.tsa_source.get());
  put("sth-old.json", AsBytes(TreeHeadToJson(*old_head)));
  put("sth-new.json", AsBytes(TreeHeadToJson(new_head)));
  ConsistencyProofDoc proof{"sm3", old_head->tree_size, new_head.tree_size,
                            *env_.log.ConsistencyProof(old_head->tree_size, new_head.tree_size)};
  put("proof.json", AsBytes(ConsistencyProofToJson(proof)));
}

}  // namespace
}  // namespace hetong::evidence
