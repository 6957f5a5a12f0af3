// Signing intent (签署意愿, report §5.3.1.5) and the signatures made with the keys the key
// center holds for persons and organisations.
//
// Every signature needs a fresh confirmation by the person: their password, a one-time code
// sent for this signature, or their TOTP code, bound to the SM3 digest of exactly the data to
// be signed. The confirmation yields an intent token (valid `intent_ttl`, 5 minutes by
// default, used once). The key center signs with a person's key only when its activation gate
// accepts such a token for that key's owner and that data (keycenter::ActivationGate).
//
// An organisation's key signs for a member (机构授权个人签名): the member's active grant is
// checked, the member's own key signs the same data under their intent, the key center
// verifies that signature against the member's key, and only then does the organisation's
// gate let its key sign. Both signatures are recorded (SignatureRecord), with the intent and
// the grant.
//
// Thread-safety: safe for concurrent use; an intent token wins at most once even when two
// requests race with it (the repository marks it used atomically).
#pragma once

#include <chrono>
#include <string>

#include "identity/service.h"
#include "keycenter/key_center.h"

namespace hetong::identity {

struct IntentConfirmation {
  std::string method;    // password | totp | code
  SecretBytes password;  // method password
  std::string totp;      // method totp
  std::string code_id;   // method code: from SendIntentCode
  std::string code;
};

struct IssuedIntent {
  std::string id;
  SecretBytes token;  // shown once
  base::TimePoint expires_at{};
};

struct PersonSignature {
  SignatureRecord record;
  std::string algorithm;  // "SM2-with-SM3", "RSA-SHA256"
};

struct OrgSignature {
  PersonSignature person;  // the member's own signature
  PersonSignature org;     // the organisation's
};

class SigningService {
 public:
  SigningService(IdentityService& identity, IdentityRepository& repo, keycenter::KeyCenter& keys,
                 const base::Clock& clock, Rng& rng,
                 std::chrono::seconds intent_ttl = std::chrono::minutes(5));

  // "sm3:<64 lower-case hex>" for a digest given in hex (any case); InvalidArgument otherwise.
  static StatusOr<std::string> Binding(const std::string& sm3_hex);

  // Sends a code that confirms the signature of the data with this digest.
  StatusOr<std::string> SendIntentCode(const std::string& actor, const std::string& sm3_hex,
                                       const std::string& channel);
  StatusOr<IssuedIntent> ConfirmIntent(const std::string& actor, const std::string& sm3_hex,
                                       IntentConfirmation confirmation);

  // The person's own key signs `data` (SM2: with the default ID; RSA: PKCS#1 v1.5 SHA-256).
  StatusOr<PersonSignature> SignAsPerson(const std::string& actor, ByteView data,
                                         const std::string& intent_token);
  // The organisation's key signs `data` for the member `actor` (see above).
  StatusOr<OrgSignature> SignForOrg(const std::string& actor, const std::string& org_id,
                                    ByteView data, const std::string& intent_token,
                                    const std::string& contract_type);
  // As SignAsPerson and SignForOrg, for data made only after the confirmation (a CMS
  // SignedAttributes over a PDF prepared at signing time): the intent is bound to
  // `statement_sm3_hex`, the SM3 of a signing statement the platform composed and showed
  // (contract, party, document version), instead of to the data itself. The records keep the
  // data's digest and the intent, which names the statement.
  StatusOr<PersonSignature> SignAsPersonForStatement(const std::string& actor, ByteView data,
                                                     const std::string& statement_sm3_hex,
                                                     const std::string& intent_token);
  StatusOr<OrgSignature> SignForOrgForStatement(const std::string& actor, const std::string& org_id,
                                                ByteView data, const std::string& statement_sm3_hex,
                                                const std::string& intent_token,
                                                const std::string& contract_type);
  StatusOr<std::vector<SignatureRecord>> Records(const std::string& actor,
                                                 const std::string& account_id, int limit);

 private:
  StatusOr<PersonSignature> PersonSign(const std::string& actor, ByteView data,
                                       const std::string& binding, const std::string& intent_token);
  StatusOr<OrgSignature> OrgSign(const std::string& actor, const std::string& org_id, ByteView data,
                                 const std::string& binding, const std::string& intent_token,
                                 const std::string& contract_type);
  StatusOr<Account> VerifiedWithKey(const std::string& id, std::string_view what);
  StatusOr<PersonSignature> Record(const Account& owner, const std::string& signer_id,
                                   const std::string& digest, const std::string& intent_id,
                                   const std::string& grant_id, Bytes signature);

  IdentityService& identity_;
  IdentityRepository& repo_;
  keycenter::KeyCenter& keys_;
  const base::Clock& clock_;
  Rng& rng_;
  std::chrono::seconds intent_ttl_;
};

}  // namespace hetong::identity
