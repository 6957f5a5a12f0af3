// RFC 3161 time-stamp protocol (with the GM/T 0033 use of SM3 imprints and SM2 signatures):
// TimeStampReq, TSTInfo, TimeStampResp and the PKIFailureInfo bits, encoded and parsed
// strictly with base/der.h; and the verification of a time-stamp token, used by the TSA
// client, the document verifiers and the evidence verifier.
//
// A token is a CMS SignedData (crypto/cms.h) over the DER TSTInfo, eContentType
// id-ct-TSTInfo. Verification checks: the CMS signature (SM2 with the default ID), the ESS
// signing-certificate(-v2) attribute naming the signer certificate, the imprint against the
// data, and the TSA certificate path at genTime for the time-stamping purpose (EKU
// timeStamping, critical and alone), with revocation as the caller asks.
//
// Thread-safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/hash.h"
#include "pki/certificate.h"
#include "pki/path.h"

namespace hetong::pki {

struct MessageImprint {
  crypto::HashAlgorithm algorithm = crypto::HashAlgorithm::kSm3;
  std::string algorithm_oid;  // as sent (for unknown algorithms)
  Bytes hashed_message;
  Bytes der;  // the encoding as received; reused verbatim in the TSTInfo (RFC 3161 §2.4.2)
};

struct TimeStampRequest {
  int version = 1;
  MessageImprint imprint;
  std::optional<std::string> policy;
  std::optional<Bytes> nonce;  // INTEGER contents as sent
  bool cert_req = false;
  bool has_extensions = false;
  bool known_algorithm = true;  // false: imprint.algorithm is meaningless
};

// Parses a DER TimeStampReq. Unknown hash algorithms parse (known_algorithm = false) so that
// the TSA can answer badAlg rather than badDataFormat.
StatusOr<TimeStampRequest> ParseTimeStampRequest(ByteView der);
Bytes EncodeTimeStampRequest(const TimeStampRequest& request);

struct Accuracy {
  int seconds = 0, millis = 0, micros = 0;
  bool empty() const { return seconds == 0 && millis == 0 && micros == 0; }
};

struct TstInfo {
  std::string policy;
  MessageImprint imprint;
  Bytes serial;  // INTEGER magnitude
  base::TimePoint gen_time{};
  Accuracy accuracy;
  bool ordering = false;
  std::optional<Bytes> nonce;  // INTEGER contents
  Bytes tsa_name_der;          // directoryName (a Name), empty if absent
};

Bytes EncodeTstInfo(const TstInfo& info);
StatusOr<TstInfo> ParseTstInfo(ByteView der);

// PKIFailureInfo bits (RFC 3161 §2.4.2).
enum class FailureInfo : int {
  kBadAlg = 0,
  kBadRequest = 2,
  kBadDataFormat = 5,
  kTimeNotAvailable = 14,
  kUnacceptedPolicy = 15,
  kUnacceptedExtension = 16,
  kAddInfoNotAvailable = 17,
  kSystemFailure = 25,
};
std::string_view FailureInfoName(FailureInfo f);

// PKIStatus values.
inline constexpr int kGranted = 0;
inline constexpr int kRejection = 2;

Bytes EncodeGrantedResponse(ByteView token);
Bytes EncodeRejection(FailureInfo failure, std::string_view text);

struct TimeStampResponse {
  int status = kRejection;
  std::vector<std::string> status_text;
  std::optional<FailureInfo> failure;
  Bytes token;  // ContentInfo (SignedData), empty when rejected
};
StatusOr<TimeStampResponse> ParseTimeStampResponse(ByteView der);

// Where signers get time-stamp tokens from (the instance's TSA in process, or an external
// TSA over HTTP; implementations in tsa/client.h). Returns the token (ContentInfo DER) for the
// given digest, after checking the response (status, nonce, imprint).
class TimestampSource {
 public:
  virtual ~TimestampSource() = default;
  virtual StatusOr<Bytes> Timestamp(crypto::HashAlgorithm algorithm, ByteView digest) = 0;
};

struct TimestampCheck {
  bool valid = false;
  std::string problem;  // why not valid, for people
  TstInfo info;         // when the token parsed
  std::optional<Certificate> tsa_certificate;
  ValidationResult path;      // of the TSA certificate at genTime
  bool path_checked = false;  // the token itself is sound and `path` was evaluated
  std::string signature_algorithm;
};

struct TimestampVerifyOptions {
  std::vector<Certificate> anchors;
  std::vector<Certificate> intermediates;
  RevocationPolicy revocation = RevocationPolicy::kNone;
  RevocationChecker* checker = nullptr;
  std::optional<std::string> required_policy;
};

// Verifies a token (ContentInfo DER) for the data whose digest is `digest` under `algorithm`
// (pass an empty digest to skip the imprint check). Malformed tokens are an error; every
// other failure is reported in the result.
StatusOr<TimestampCheck> VerifyTimestampToken(ByteView token, crypto::HashAlgorithm algorithm,
                                              ByteView digest,
                                              const TimestampVerifyOptions& options);

}  // namespace hetong::pki
