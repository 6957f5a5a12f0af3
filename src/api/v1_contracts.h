// /api/v1 routes of contracts and documents (contract/service.h): upload, create, list and
// search, send, signing intent, sign, reject, revoke, download, timeline, evidence package,
// statistics and archive settings, invitations, and POST /verify for any PDF.
//
// Thread-safety: the handlers are safe for concurrent use when the services are.
#pragma once

#include <functional>
#include <string>

#include "api/v1_internal.h"
#include "contract/service.h"
#include "identity/intent.h"

namespace hetong::api {

struct ContractRoutesDeps {
  contract::ContractService* contracts = nullptr;
  // The largest PDF taken by POST /documents and POST /verify (contracts.max_document_mb).
  size_t max_document_bytes = 64 << 20;
  identity::SigningService* signing = nullptr;
  // Validates any PDF: the validation report as JSON (document/pdf/report.h).
  std::function<StatusOr<std::string>(ByteView pdf)> verify_pdf;
  // The evidence package (zip) of a contract the actor may see.
  std::function<StatusOr<Bytes>(const std::string& actor, const std::string& contract_id)>
      evidence_package;
};

// `deps` must outlive the routes; its members may be null when only listing the patterns.
void AddContractRoutes(v1::RouteTable& table, const ContractRoutesDeps* deps);

}  // namespace hetong::api
