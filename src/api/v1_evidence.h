// /api/v1 routes of the evidence log (evidence/log.h), public so that anyone who kept an older
// signed tree head can check that nothing was rewritten: the latest signed tree head, a head
// by size, consistency proofs between two sizes, and inclusion proofs of a leaf.
//
// Thread-safety: the handlers are safe for concurrent use (the log is).
#pragma once

#include "api/v1_internal.h"
#include "evidence/log.h"

namespace hetong::api {

// `log` may be null when only listing the patterns.
void AddEvidenceRoutes(v1::RouteTable& table, evidence::EvidenceLog* log);

}  // namespace hetong::api
