#include "seal/seal.h"

namespace hetong::seal {

std::string_view SealKindName(SealKind kind) {
  switch (kind) {
    case SealKind::kCompany:
      return "company";
    case SealKind::kPersonal:
      return "personal";
    case SealKind::kUploaded:
      return "uploaded";
  }
  return "company";
}

StatusOr<SealKind> ParseSealKind(std::string_view name) {
  if (name == "company") return SealKind::kCompany;
  if (name == "personal") return SealKind::kPersonal;
  if (name == "uploaded") return SealKind::kUploaded;
  return InvalidArgumentError("a seal kind is company, personal or uploaded");
}

std::string_view SealStatusName(SealStatus status) {
  switch (status) {
    case SealStatus::kActive:
      return "active";
    case SealStatus::kSuspended:
      return "suspended";
    case SealStatus::kRevoked:
      return "revoked";
  }
  return "revoked";
}

StatusOr<SealStatus> ParseSealStatus(std::string_view name) {
  if (name == "active") return SealStatus::kActive;
  if (name == "suspended") return SealStatus::kSuspended;
  if (name == "revoked") return SealStatus::kRevoked;
  return InvalidArgumentError("a seal status is active, suspended or revoked");
}

bool TransitionAllowed(SealStatus from, SealStatus to) {
  if (from == to) return true;
  return from != SealStatus::kRevoked;
}

}  // namespace hetong::seal
