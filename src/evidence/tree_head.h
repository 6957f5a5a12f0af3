// Signed tree heads of the evidence log (docs/formats/evidence.md, "Signed tree head"): the
// version-1 to-be-signed encoding, signing and checking a head, and the JSON forms that the
// API serves and auditors keep (sth.json, proof.json).
//
// A head is signed by the evidence-log key (SM2 with SM3 and the default ID for SM2) and its
// signature is time-stamped (RFC 3161, imprint SM3 over the signature bytes).
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/signature.h"

namespace hetong::evidence {

inline constexpr uint8_t kTreeHeadVersion = 1;

struct SignedTreeHead {
  std::string log_id;        // which log (the instance id)
  std::string hash = "sm3";  // the tree's hash
  uint64_t tree_size = 0;
  Bytes root;
  base::TimePoint timestamp{};  // whole milliseconds
  Bytes signature;              // DER for SM2/ECDSA
  std::string algorithm;        // crypto::SignatureAlgorithmName, e.g. "sm2-sm3"
  Bytes timestamp_token;  // RFC 3161 token (ContentInfo DER) over SM3(signature); may be empty
  Bytes signer_spki;      // the signing key (stored, not part of sth.json)
};

// The version-1 bytes the signature covers.
Bytes EncodeTreeHeadTbs(const SignedTreeHead& head);

// Signs `head` (its fields but signature/algorithm/token) in place.
Status SignTreeHead(SignedTreeHead& head, const crypto::Signer& signer);

// Checks the head's signature with `key`: OK, or InvalidArgument saying why not.
Status VerifyTreeHeadSignature(const SignedTreeHead& head, const crypto::PublicKey& key);

std::optional<crypto::SignatureAlgorithm> SignatureAlgorithmFromName(std::string_view name);

// sth.json (version 1).
std::string TreeHeadToJson(const SignedTreeHead& head);
// Strict: every field present with its type, hex/base64 well formed; InvalidArgument else.
StatusOr<SignedTreeHead> TreeHeadFromJson(std::string_view json);

// proof.json (version 1): a consistency proof between two tree sizes.
struct ConsistencyProofDoc {
  std::string hash = "sm3";
  uint64_t first = 0, second = 0;
  std::vector<Bytes> proof;
};
std::string ConsistencyProofToJson(const ConsistencyProofDoc& doc);
StatusOr<ConsistencyProofDoc> ConsistencyProofFromJson(std::string_view json);

}  // namespace hetong::evidence
