#include "identity/verification.h"

namespace hetong::identity {

StatusOr<VerificationProvider::Outcome> ManualProvider::Check(
    const Account&, const SecretBytes&, const std::map<std::string, std::string>& material) {
  if (material.empty()) {
    return InvalidArgumentError(
        "manual review needs material for the operator, e.g. id_card_front and id_card_back "
        "(images, base64) or, for organisations, business_licence");
  }
  return Outcome{"pending", "waiting for an operator's review"};
}

StatusOr<VerificationProvider::Outcome> SandboxProvider::Check(
    const Account&, const SecretBytes&, const std::map<std::string, std::string>& material) {
  if (!demo_) {
    return FailedPreconditionError(
        "the sandbox provider works only on demo instances (hetong init --demo)");
  }
  auto it = material.find("result");
  if (it != material.end() && it->second == "reject") {
    return Outcome{"rejected", "sandbox: rejected on request (result=reject)"};
  }
  return Outcome{"approved", "sandbox: test identity accepted on a demo instance"};
}

}  // namespace hetong::identity
