// Online Certificate Status Protocol messages (RFC 6960): CertID, requests (parsed on the
// responder side, built on the client side) and basic responses (built by hetong's
// responder, parsed and checked by clients and the document verifiers), with the nonce
// extension (1.3.6.1.5.5.7.48.1.2, RFC 8954).
//
// hetong's responses are OCSPResponse{successful, id-pkix-ocsp-basic} with the responderID
// byKey (SHA-1 of the responder's subjectPublicKey bits), GeneralizedTime in whole seconds,
// and the request's nonce echoed byte for byte. SM2 responses are signed and checked with
// the GM/T 0009 default ID 1234567812345678; OpenSSL 3.0's `ocsp` command cannot check those
// (it uses an empty ID), `openssl pkeyutl -rawin -pkeyopt distid:...` over
// tbs_response_data_der() can.
//
// A nonce is carried everywhere as the contents of its extnValue OCTET STRING, exactly as
// received, so that a responder can echo it and a client can compare it; MakeOcspNonce wraps
// fresh random bytes in the RFC 8954 form (an OCTET STRING), as OpenSSL does.
//
// Thread-safety: CertId, OcspRequest and OcspResponse are immutable values after parsing; the
// free functions are pure (the Signer must be thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/signature.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace hetong::pki {

// OCSPResponseStatus (RFC 6960 §4.2.1); 4 is not used.
enum class OcspResponseStatus : int {
  kSuccessful = 0,
  kMalformedRequest = 1,
  kInternalError = 2,
  kTryLater = 3,
  kSigRequired = 5,
  kUnauthorized = 6,
};
// "successful", "malformedRequest", "internalError", "tryLater", "sigRequired", "unauthorized".
std::string_view OcspResponseStatusName(OcspResponseStatus status);

enum class OcspCertStatus { kGood, kRevoked, kUnknown };
std::string_view OcspCertStatusName(OcspCertStatus status);  // "good", "revoked", "unknown"

// CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }.
struct CertId {
  crypto::HashAlgorithm hash_algorithm = crypto::HashAlgorithm::kSha1;
  Bytes issuer_name_hash;  // hash of the issuer's DER Name
  Bytes issuer_key_hash;   // hash of the issuer's subjectPublicKey BIT STRING contents
  Bytes serial;            // INTEGER contents, as Certificate::serial()

  // The CertID of `cert`, issued by `issuer`. InvalidArgument when `cert` names another
  // issuer.
  static StatusOr<CertId> For(const Certificate& cert, const Certificate& issuer,
                              crypto::HashAlgorithm alg = crypto::HashAlgorithm::kSha1);
  // Parses one DER CertID (SHA-1, SHA-2 or SM3; parameters absent or NULL).
  static StatusOr<CertId> Parse(ByteView der);
  // True when this CertID names `cert` issued by `issuer`, recomputed with this CertID's own
  // hash algorithm.
  bool Matches(const Certificate& cert, const Certificate& issuer) const;
  // DER (SHA-1 and SHA-2 with NULL parameters, as OpenSSL writes them; SM3 without).
  Bytes Encode() const;

  friend bool operator==(const CertId&, const CertId&) = default;
};

// The extnValue contents of a nonce extension for `random` (RFC 8954: an OCTET STRING).
Bytes MakeOcspNonce(ByteView random);

class OcspRequest {
 public:
  // DER OCSPRequest. InvalidArgument "malformed OCSP request: ..." otherwise (also for an
  // empty requestList or a CertID with an unsupported hash algorithm).
  static StatusOr<OcspRequest> Parse(ByteView der);

  const Bytes& der() const { return der_; }
  const Bytes& tbs_request_der() const { return tbs_; }
  const std::vector<CertId>& cert_ids() const { return cert_ids_; }
  // The nonce extension's extnValue contents, when present.
  const std::optional<Bytes>& nonce() const { return nonce_; }
  // The request carried an optionalSignature (not checked: hetong's responder does not
  // require signed requests).
  bool has_signature() const { return has_signature_; }
  bool has_requestor_name() const { return has_requestor_name_; }

 private:
  OcspRequest() = default;

  Bytes der_, tbs_;
  std::vector<CertId> cert_ids_;
  std::optional<Bytes> nonce_;
  bool has_signature_ = false, has_requestor_name_ = false;
};

// An unsigned OCSPRequest for `cert_ids` (at least one), with a nonce extension when `nonce`
// (extnValue contents, see MakeOcspNonce) is given.
StatusOr<Bytes> BuildOcspRequest(const std::vector<CertId>& cert_ids,
                                 const std::optional<Bytes>& nonce = std::nullopt);

struct SingleResponse {
  CertId cert_id;
  OcspCertStatus status = OcspCertStatus::kGood;
  base::TimePoint revocation_time{};           // kRevoked only
  std::optional<CrlReason> revocation_reason;  // kRevoked only; absent: no reason given
  base::TimePoint this_update{};
  std::optional<base::TimePoint> next_update;
};
using SingleResponseInput = SingleResponse;

// A signed OCSPResponse{successful, BasicOCSPResponse} by `responder`, whose certificate is
// `responder_cert` (the CA itself or a delegated OCSP signer). `nonce` is echoed as given;
// `include_responder_cert` puts responder_cert into `certs`. Times are truncated to seconds.
// InvalidArgument when the signer does not hold responder_cert's key, `responses` is empty,
// or a CertID or time is invalid.
StatusOr<Bytes> BuildOcspResponse(const crypto::Signer& responder,
                                  const Certificate& responder_cert,
                                  const std::vector<SingleResponseInput>& responses,
                                  base::TimePoint produced_at, const std::optional<Bytes>& nonce,
                                  bool include_responder_cert);
// An unsigned error response (malformedRequest, internalError, tryLater, sigRequired or
// unauthorized); InvalidArgument for kSuccessful.
StatusOr<Bytes> BuildOcspErrorResponse(OcspResponseStatus status);

class OcspResponse {
 public:
  // DER OCSPResponse. InvalidArgument "malformed OCSP response: ..." otherwise (also for a
  // successful response of a type other than id-pkix-ocsp-basic, or with no SingleResponse).
  static StatusOr<OcspResponse> Parse(ByteView der);

  const Bytes& der() const { return der_; }
  OcspResponseStatus status() const { return status_; }
  bool successful() const { return status_ == OcspResponseStatus::kSuccessful; }

  // The rest is empty unless successful().
  // responderID: byName (the Name's DER) or byKey (SHA-1 of the responder's key bits).
  const Bytes& responder_name_der() const { return responder_name_der_; }
  const Bytes& responder_key_hash() const { return responder_key_hash_; }
  base::TimePoint produced_at() const { return produced_at_; }
  const std::vector<SingleResponse>& responses() const { return responses_; }
  // The nonce extension's extnValue contents, when present.
  const std::optional<Bytes>& nonce() const { return nonce_; }
  const std::vector<Certificate>& certs() const { return certs_; }
  const Bytes& tbs_response_data_der() const { return tbs_; }  // what the signature covers
  const std::string& signature_oid() const { return signature_oid_; }
  const Bytes& signature_params() const { return signature_params_; }  // DER; empty if absent/NULL
  const Bytes& signature() const { return signature_; }

  // The SingleResponse for `cert` issued by `issuer`, or null.
  const SingleResponse* Find(const Certificate& cert, const Certificate& issuer) const;
  // True when the responderID names `cert` (by name or by key hash).
  bool ResponderIs(const Certificate& cert) const;

  // Checks the signature over tbsResponseData with `key` (SM2: default ID). OK or
  // InvalidArgument; FailedPrecondition for an unsigned (unsuccessful) response.
  Status VerifySignedBy(const crypto::PublicKey& key) const;

 private:
  OcspResponse() = default;

  Bytes der_, tbs_, responder_name_der_, responder_key_hash_;
  OcspResponseStatus status_ = OcspResponseStatus::kInternalError;
  base::TimePoint produced_at_{};
  std::vector<SingleResponse> responses_;
  std::optional<Bytes> nonce_;
  std::vector<Certificate> certs_;
  std::string signature_oid_;
  Bytes signature_params_, signature_;
};

}  // namespace hetong::pki
