#include "identity/intent.h"

#include <spdlog/spdlog.h>

#include "base/encoding.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "identity/credentials.h"

namespace hetong::identity {

namespace {

std::string DigestBinding(ByteView data) { return "sm3:" + base::HexEncode(crypto::Sm3(data)); }

// Accepts a person's intent token for the key's owner and exactly this data, and spends it.
class IntentGate final : public keycenter::ActivationGate {
 public:
  // `binding`: what the intent must be bound to; empty: the digest of the signed data.
  IntentGate(IdentityRepository& repo, const base::Clock& clock, std::string binding)
      : repo_(repo), clock_(clock), binding_(std::move(binding)) {}

  Status Activate(const keycenter::KeyRecord& key, ByteView message,
                  const std::string& proof) override {
    auto fail = [] {
      return PermissionDeniedError(
          "no fresh signing intent for this signature: confirm it again (POST "
          "/api/v1/intents) with the digest of exactly this data");
    };
    if (proof.empty() || proof.size() > 128) return fail();
    HETONG_ASSIGN_OR_RETURN(auto intent, repo_.FindIntent(TokenHash(proof)));
    if (!intent || intent->account_id != key.owner || intent->used_at ||
        intent->expires_at <= clock_.Now() ||
        intent->binding != (binding_.empty() ? DigestBinding(message) : binding_)) {
      return fail();
    }
    HETONG_RETURN_IF_ERROR(repo_.MarkIntentUsed(intent->id, clock_.Now()));
    intent_id = intent->id;
    return OkStatus();
  }

  std::string intent_id;

 private:
  IdentityRepository& repo_;
  const base::Clock& clock_;
  std::string binding_;
};

// Lets an organisation's key sign once the member's grant is active and the member's own
// signature over the same data verifies with the member's key.
class GrantGate final : public keycenter::ActivationGate {
 public:
  GrantGate(IdentityService& identity, const std::string& member_id,
            const crypto::PublicKey& member_key, ByteView member_signature,
            const std::string& contract_type)
      : identity_(identity),
        member_id_(member_id),
        member_key_(member_key),
        member_signature_(member_signature),
        contract_type_(contract_type) {}

  Status Activate(const keycenter::KeyRecord& key, ByteView message, const std::string&) override {
    HETONG_ASSIGN_OR_RETURN(Grant g, identity_.ActiveGrant(key.owner, member_id_, contract_type_));
    Status v =
        crypto::VerifySignature(member_key_, crypto::DefaultSignatureAlgorithm(member_key_.type()),
                                message, member_signature_);
    if (!v.ok()) {
      return PermissionDeniedError(
          "the member's signature over the data does not verify; the organisation's key does "
          "not sign");
    }
    grant_id = g.id;
    return OkStatus();
  }

  std::string grant_id;

 private:
  IdentityService& identity_;
  std::string member_id_;
  const crypto::PublicKey& member_key_;
  ByteView member_signature_;
  std::string contract_type_;
};

std::string AlgorithmName(const crypto::PublicKey& key) {
  switch (key.type()) {
    case crypto::KeyType::kSm2:
      return "SM2-with-SM3";
    case crypto::KeyType::kRsa:
      return "RSA-SHA256";
    default:
      return "ECDSA-SHA256";
  }
}

}  // namespace

SigningService::SigningService(IdentityService& identity, IdentityRepository& repo,
                               keycenter::KeyCenter& keys, const base::Clock& clock, Rng& rng,
                               std::chrono::seconds intent_ttl)
    : identity_(identity),
      repo_(repo),
      keys_(keys),
      clock_(clock),
      rng_(rng),
      intent_ttl_(intent_ttl) {}

StatusOr<std::string> SigningService::Binding(const std::string& sm3_hex) {
  auto d = base::HexDecode(sm3_hex);
  if (!d.ok() || d->size() != 32) {
    return InvalidArgumentError("the digest is the SM3 hash of the data to sign, 64 hex digits");
  }
  return "sm3:" + base::HexEncode(*d);
}

StatusOr<std::string> SigningService::SendIntentCode(const std::string& actor,
                                                     const std::string& sm3_hex,
                                                     const std::string& channel) {
  HETONG_ASSIGN_OR_RETURN(std::string binding, Binding(sm3_hex));
  HETONG_ASSIGN_OR_RETURN(Account a, identity_.GetAccount(actor));
  return identity_.SendCode(a, channel, "intent:" + binding);
}

StatusOr<IssuedIntent> SigningService::ConfirmIntent(const std::string& actor,
                                                     const std::string& sm3_hex,
                                                     IntentConfirmation c) {
  HETONG_ASSIGN_OR_RETURN(std::string binding, Binding(sm3_hex));
  HETONG_ASSIGN_OR_RETURN(Account a, VerifiedWithKey(actor, "you"));
  std::string method = c.method;
  if (c.method == "password") {
    HETONG_RETURN_IF_ERROR(identity_.CheckPassword(actor, c.password));
  } else if (c.method == "totp") {
    HETONG_RETURN_IF_ERROR(identity_.CheckTotp(actor, c.totp));
  } else if (c.method == "code") {
    HETONG_ASSIGN_OR_RETURN(OneTimeCode code,
                            identity_.ConsumeCode(c.code_id, c.code, "intent:" + binding));
    if (code.account_id != a.id) return UnauthenticatedError("the code is wrong or has expired");
    method = "code:" + code.channel;
  } else {
    return InvalidArgumentError("confirm a signature with method password, totp or code");
  }
  HETONG_ASSIGN_OR_RETURN(IssuedToken t, NewToken(rng_));
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  Intent i;
  i.id = "int-" + base::HexEncode(r);
  i.account_id = a.id;
  i.binding = binding;
  i.method = method;
  i.token_hash = t.hash;
  i.created_at = clock_.Now();
  i.expires_at = i.created_at + intent_ttl_;
  HETONG_RETURN_IF_ERROR(repo_.InsertIntent(i));
  spdlog::info("identity: {} confirmed the intent {} to sign {} ({})", a.id, i.id, binding, method);
  return IssuedIntent{i.id, std::move(t.token), i.expires_at};
}

StatusOr<Account> SigningService::VerifiedWithKey(const std::string& id, std::string_view what) {
  HETONG_ASSIGN_OR_RETURN(Account a, identity_.GetAccount(id));
  if (a.status != "active") return FailedPreconditionError(std::string(what) + ": deregistered");
  if (a.verification != "verified" || a.key_id.empty()) {
    return FailedPreconditionError(
        std::string(what) +
        " must pass real-name verification first; the key and certificate come with it");
  }
  return a;
}

StatusOr<PersonSignature> SigningService::Record(const Account& owner, const std::string& signer_id,
                                                 const std::string& digest,
                                                 const std::string& intent_id,
                                                 const std::string& grant_id, Bytes signature) {
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  SignatureRecord rec;
  rec.id = "sig-" + base::HexEncode(r);
  rec.account_id = owner.id;
  rec.key_id = owner.key_id;
  rec.signer_id = signer_id;
  rec.data_digest = digest;
  rec.intent_id = intent_id;
  rec.grant_id = grant_id;
  rec.signature = std::move(signature);
  rec.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertSignatureRecord(rec));
  identity_.Audit("key.used", owner.id, signer_id,
                  R"({"signature_id":")" + rec.id + R"(","key_id":")" + rec.key_id +
                      R"(","data_digest":")" + rec.data_digest + R"(","intent_id":")" +
                      rec.intent_id + R"(","grant_id":")" + rec.grant_id + "\"}");
  HETONG_ASSIGN_OR_RETURN(crypto::PublicKey pub, keys_.PublicKeyOf(owner.key_id));
  return PersonSignature{std::move(rec), AlgorithmName(pub)};
}

StatusOr<PersonSignature> SigningService::SignAsPerson(const std::string& actor, ByteView data,
                                                       const std::string& intent_token) {
  return PersonSign(actor, data, "", intent_token);
}

StatusOr<PersonSignature> SigningService::SignAsPersonForStatement(
    const std::string& actor, ByteView data, const std::string& statement_sm3_hex,
    const std::string& intent_token) {
  HETONG_ASSIGN_OR_RETURN(std::string binding, Binding(statement_sm3_hex));
  return PersonSign(actor, data, binding, intent_token);
}

StatusOr<OrgSignature> SigningService::SignForOrg(const std::string& actor,
                                                  const std::string& org_id, ByteView data,
                                                  const std::string& intent_token,
                                                  const std::string& contract_type) {
  return OrgSign(actor, org_id, data, "", intent_token, contract_type);
}

StatusOr<OrgSignature> SigningService::SignForOrgForStatement(const std::string& actor,
                                                              const std::string& org_id,
                                                              ByteView data,
                                                              const std::string& statement_sm3_hex,
                                                              const std::string& intent_token,
                                                              const std::string& contract_type) {
  HETONG_ASSIGN_OR_RETURN(std::string binding, Binding(statement_sm3_hex));
  return OrgSign(actor, org_id, data, binding, intent_token, contract_type);
}

StatusOr<PersonSignature> SigningService::PersonSign(const std::string& actor, ByteView data,
                                                     const std::string& binding,
                                                     const std::string& intent_token) {
  HETONG_ASSIGN_OR_RETURN(Account a, VerifiedWithKey(actor, "you"));
  IntentGate gate(repo_, clock_, binding);
  HETONG_ASSIGN_OR_RETURN(Bytes sig, keys_.SignActivated(a.key_id, data, intent_token, gate));
  return Record(a, a.id, DigestBinding(data), gate.intent_id, "", std::move(sig));
}

StatusOr<OrgSignature> SigningService::OrgSign(const std::string& actor, const std::string& org_id,
                                               ByteView data, const std::string& binding,
                                               const std::string& intent_token,
                                               const std::string& contract_type) {
  HETONG_ASSIGN_OR_RETURN(Account person, VerifiedWithKey(actor, "you"));
  // Outsiders learn nothing: no membership is NotFound, like every other org call.
  HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(org_id, actor));
  if (!role) return NotFoundError("no such organisation");
  HETONG_ASSIGN_OR_RETURN(Account org, VerifiedWithKey(org_id, "the organisation"));
  // Checked before the intent is spent, and again by the organisation's gate.
  HETONG_RETURN_IF_ERROR(identity_.ActiveGrant(org_id, actor, contract_type).status());
  IntentGate intent_gate(repo_, clock_, binding);
  HETONG_ASSIGN_OR_RETURN(Bytes person_sig,
                          keys_.SignActivated(person.key_id, data, intent_token, intent_gate));
  HETONG_ASSIGN_OR_RETURN(crypto::PublicKey person_key, keys_.PublicKeyOf(person.key_id));
  GrantGate grant_gate(identity_, actor, person_key, person_sig, contract_type);
  HETONG_ASSIGN_OR_RETURN(Bytes org_sig, keys_.SignActivated(org.key_id, data, "", grant_gate));
  std::string digest = DigestBinding(data);
  HETONG_ASSIGN_OR_RETURN(PersonSignature p,
                          Record(person, person.id, digest, intent_gate.intent_id, "", person_sig));
  HETONG_ASSIGN_OR_RETURN(PersonSignature o, Record(org, person.id, digest, intent_gate.intent_id,
                                                    grant_gate.grant_id, std::move(org_sig)));
  spdlog::info("identity: {} signed for {} under grant {}", person.id, org.id, grant_gate.grant_id);
  return OrgSignature{std::move(p), std::move(o)};
}

StatusOr<std::vector<SignatureRecord>> SigningService::Records(const std::string& actor,
                                                               const std::string& account_id,
                                                               int limit) {
  if (account_id != actor) {
    HETONG_ASSIGN_OR_RETURN(auto role, identity_.RoleOf(account_id, actor));
    if (!role) return NotFoundError("no such account");
  }
  return repo_.ListSignatureRecords(account_id, limit);
}

}  // namespace hetong::identity
