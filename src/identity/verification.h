// The verification providers that ship with hetong (report §5.3.1.3 lists the methods a real
// deployment combines: ID + name, + mobile, + bank card, face, company registry, a small
// payment). Real providers are remote services; they plug in as VerificationProvider
// implementations (see docs/identity.md, "Real-name verification providers").
//
// - manual: the submitted material waits for an operator, who approves or rejects it in
//   the admin API (POST /api/v1/identity/verifications/{id}/review).
// - sandbox: for demo instances only. Approves at once (or rejects, when the material says
//   result=reject, so that client developers can see both paths). Every certificate it leads
//   to says "SANDBOX" in its subject; a non-demo instance refuses it.
//
// Thread-safety: stateless; safe for concurrent use.
#pragma once

#include <memory>

#include "identity/service.h"

namespace hetong::identity {

class ManualProvider final : public VerificationProvider {
 public:
  std::string name() const override { return "manual"; }
  StatusOr<Outcome> Check(const Account& account, const SecretBytes& id_number,
                          const std::map<std::string, std::string>& material) override;
};

class SandboxProvider final : public VerificationProvider {
 public:
  explicit SandboxProvider(bool demo) : demo_(demo) {}
  std::string name() const override { return "sandbox"; }
  StatusOr<Outcome> Check(const Account& account, const SecretBytes& id_number,
                          const std::map<std::string, std::string>& material) override;

 private:
  bool demo_;
};

}  // namespace hetong::identity
