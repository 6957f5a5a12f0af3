// /api/v1 routes of the evidence log (evidence/log.h), public so that anyone who kept an older
// signed tree head can check that nothing was rewritten: the latest signed tree head, a head
// by size, consistency proofs between two sizes, and inclusion proofs of a leaf. Besides, an
// organisation's admins read its audit trail: the events the identity service logged about
// it (members, grants, verification, keys and certificates), newest first.
//
// Thread-safety: the handlers are safe for concurrent use (the log and the service are).
#pragma once

#include "api/v1_internal.h"
#include "evidence/log.h"
#include "identity/service.h"

namespace hetong::api {

// `log` and `identity` may be null when only listing the patterns.
void AddEvidenceRoutes(v1::RouteTable& table, evidence::EvidenceLog* log,
                       identity::IdentityService* identity);

}  // namespace hetong::api
