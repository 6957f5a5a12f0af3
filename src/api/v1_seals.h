// The seal routes of /api/v1 (docs/formats/seals.md): organisations' seals generated or
// uploaded, a person's own seals (the name seal made on first use), seal pictures, status
// changes, usage logs and the restriction of grants to seals. SealService authorises;
// these handlers parse, call and render.
//
// Thread-safety: the handlers are safe for concurrent use if the service is.
#pragma once

#include "api/v1_internal.h"
#include "seal/seal_service.h"

namespace hetong::api {

// Adds the seal routes to `routes`. `seals` may be null when only the route patterns are
// listed (V1RoutePatterns); it is not used until a handler runs.
void AddSealRoutes(v1::RouteTable& routes, seal::SealService* seals);

// The JSON view of a seal and of a use (also for other areas that show them).
nlohmann::json SealJson(const seal::Seal& s);
nlohmann::json SealUseJson(const seal::SealUse& u);

}  // namespace hetong::api
