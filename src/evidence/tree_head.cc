#include "evidence/tree_head.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "evidence/event.h"
#include "evidence/internal/json.h"

namespace hetong::evidence {

using nlohmann::json;

namespace {

constexpr std::string_view kTreeHeadLabel = "hetong-evidence-tree-head";

void AppendStr(Bytes& out, ByteView s) {
  AppendU32Be(out, static_cast<uint32_t>(s.size()));
  Append(out, s);
}

StatusOr<Bytes> HexField(const json& j, const char* name, size_t max_size) {
  if (!j.contains(name) || !j[name].is_string()) {
    return InvalidArgumentError(std::string("'") + name + "' is missing or not a string");
  }
  const auto& s = j[name].get_ref<const std::string&>();
  if (s.size() > 2 * max_size)
    return InvalidArgumentError(std::string("'") + name + "' is too long");
  auto b = base::HexDecode(s);
  if (!b.ok()) return InvalidArgumentError(std::string("'") + name + "' is not hex");
  return b;
}

StatusOr<uint64_t> UintField(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_number_unsigned()) {
    return InvalidArgumentError(std::string("'") + name + "' is missing or not a whole number");
  }
  return j[name].get<uint64_t>();
}

StatusOr<std::string> StringField(const json& j, const char* name, size_t max_size) {
  if (!j.contains(name) || !j[name].is_string()) {
    return InvalidArgumentError(std::string("'") + name + "' is missing or not a string");
  }
  std::string s = j[name].get<std::string>();
  if (s.size() > max_size) return InvalidArgumentError(std::string("'") + name + "' is too long");
  return s;
}

Status CheckVersion(const json& j) {
  if (!j.is_object()) return InvalidArgumentError("not a JSON object");
  if (!j.contains("version") || !j["version"].is_number_unsigned()) {
    return InvalidArgumentError("'version' is missing");
  }
  if (j["version"].get<uint64_t>() != 1) {
    return InvalidArgumentError("version " + std::to_string(j["version"].get<uint64_t>()) +
                                " is not known to this hetong (it knows 1)");
  }
  return OkStatus();
}

}  // namespace

Bytes EncodeTreeHeadTbs(const SignedTreeHead& h) {
  Bytes out;
  Append(out, AsBytes(kTreeHeadLabel));
  out.push_back(0x00);
  out.push_back(kTreeHeadVersion);
  AppendStr(out, AsBytes(h.log_id));
  AppendStr(out, AsBytes(h.hash));
  AppendU64Be(out, h.tree_size);
  AppendStr(out, h.root);
  AppendU64Be(out, static_cast<uint64_t>(ToUnixMillis(h.timestamp)));
  return out;
}

std::optional<crypto::SignatureAlgorithm> SignatureAlgorithmFromName(std::string_view name) {
  using A = crypto::SignatureAlgorithm;
  for (A a : {A::kSm2Sm3, A::kRsaPkcs1Sha256, A::kRsaPkcs1Sha384, A::kRsaPkcs1Sha512,
              A::kRsaPssSha256, A::kEcdsaSha256, A::kEcdsaSha384, A::kEcdsaSha512}) {
    if (crypto::SignatureAlgorithmName(a) == name) return a;
  }
  return std::nullopt;
}

Status SignTreeHead(SignedTreeHead& head, const crypto::Signer& signer) {
  head.timestamp = FromUnixMillis(ToUnixMillis(head.timestamp));
  HETONG_ASSIGN_OR_RETURN(head.signature, signer.Sign(EncodeTreeHeadTbs(head)));
  head.algorithm = std::string(crypto::SignatureAlgorithmName(signer.algorithm()));
  head.signer_spki = signer.public_key().ToSpkiDer();
  return OkStatus();
}

Status VerifyTreeHeadSignature(const SignedTreeHead& head, const crypto::PublicKey& key) {
  auto alg = SignatureAlgorithmFromName(head.algorithm);
  if (!alg) return InvalidArgumentError("unknown signature algorithm '" + head.algorithm + "'");
  if (!crypto::SignatureFitsKey(*alg, key.type())) {
    return InvalidArgumentError("the algorithm " + head.algorithm +
                                " does not fit the log certificate's key");
  }
  Status s = crypto::VerifySignature(key, *alg, EncodeTreeHeadTbs(head), head.signature);
  if (!s.ok()) return InvalidArgumentError("the tree head signature does not verify");
  return OkStatus();
}

std::string TreeHeadToJson(const SignedTreeHead& h) {
  json j = {{"version", 1},
            {"log_id", h.log_id},
            {"hash", h.hash},
            {"tree_size", h.tree_size},
            {"root", base::HexEncode(h.root)},
            {"timestamp", base::FormatRfc3339Millis(h.timestamp)},
            {"algorithm", h.algorithm},
            {"signature", base::HexEncode(h.signature)}};
  if (!h.timestamp_token.empty()) j["timestamp_token"] = base::Base64Encode(h.timestamp_token);
  return j.dump(2) + "\n";
}

StatusOr<SignedTreeHead> TreeHeadFromJson(std::string_view text) {
  auto parsed = internal::ParseJson(text);
  if (!parsed) return InvalidArgumentError("the tree head is not JSON");
  const json& j = *parsed;
  HETONG_RETURN_IF_ERROR(CheckVersion(j).WithContext("tree head"));
  SignedTreeHead h;
  auto fail = [](const Status& s) { return s.WithContext("tree head"); };
  auto log_id = StringField(j, "log_id", 256);
  if (!log_id.ok()) return fail(log_id.status());
  h.log_id = *log_id;
  auto hash = StringField(j, "hash", 16);
  if (!hash.ok()) return fail(hash.status());
  h.hash = *hash;
  auto size = UintField(j, "tree_size");
  if (!size.ok()) return fail(size.status());
  h.tree_size = *size;
  auto root = HexField(j, "root", 64);
  if (!root.ok()) return fail(root.status());
  h.root = *root;
  auto ts = StringField(j, "timestamp", 64);
  if (!ts.ok()) return fail(ts.status());
  auto t = base::ParseRfc3339(*ts);
  if (!t.ok()) return InvalidArgumentError("tree head: 'timestamp' is not an RFC 3339 time");
  h.timestamp = *t;
  auto alg = StringField(j, "algorithm", 64);
  if (!alg.ok()) return fail(alg.status());
  h.algorithm = *alg;
  auto sig = HexField(j, "signature", 4096);
  if (!sig.ok()) return fail(sig.status());
  h.signature = *sig;
  if (j.contains("timestamp_token")) {
    auto tok = StringField(j, "timestamp_token", 1 << 20);
    if (!tok.ok()) return fail(tok.status());
    auto der = base::Base64Decode(*tok);
    if (!der.ok()) return InvalidArgumentError("tree head: 'timestamp_token' is not base64");
    h.timestamp_token = *der;
  }
  return h;
}

std::string ConsistencyProofToJson(const ConsistencyProofDoc& d) {
  json proof = json::array();
  for (const Bytes& p : d.proof) proof.push_back(base::HexEncode(p));
  json j = {
      {"version", 1}, {"hash", d.hash}, {"first", d.first}, {"second", d.second}, {"proof", proof}};
  return j.dump(2) + "\n";
}

StatusOr<ConsistencyProofDoc> ConsistencyProofFromJson(std::string_view text) {
  auto parsed = internal::ParseJson(text);
  if (!parsed) return InvalidArgumentError("the consistency proof is not JSON");
  const json& j = *parsed;
  HETONG_RETURN_IF_ERROR(CheckVersion(j).WithContext("consistency proof"));
  ConsistencyProofDoc d;
  HETONG_ASSIGN_OR_RETURN(d.hash, StringField(j, "hash", 16));
  HETONG_ASSIGN_OR_RETURN(d.first, UintField(j, "first"));
  HETONG_ASSIGN_OR_RETURN(d.second, UintField(j, "second"));
  if (!j.contains("proof") || !j["proof"].is_array() || j["proof"].size() > 128) {
    return InvalidArgumentError("consistency proof: 'proof' must be an array of hashes");
  }
  for (const auto& p : j["proof"]) {
    if (!p.is_string()) return InvalidArgumentError("consistency proof: a hash is not a string");
    auto b = base::HexDecode(p.get<std::string>());
    if (!b.ok()) return InvalidArgumentError("consistency proof: a hash is not hex");
    d.proof.push_back(std::move(*b));
  }
  return d;
}

}  // namespace hetong::evidence
