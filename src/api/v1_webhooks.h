// The webhook routes of /api/v1 (docs/formats/webhooks.md): an organisation's admins register,
// list, deactivate and delete webhooks, read each webhook's deliveries and their attempts, and
// ask for a delivery again. notify::WebhookService does the work; these handlers check that the
// actor is an admin of the organisation (others get 404 for an organisation they are not in,
// 403 otherwise), parse, call and render. The signing secret appears only in the answer to
// the POST that creates the webhook.
//
// Thread-safety: the handlers are safe for concurrent use if the services are.
#pragma once

#include "api/v1_internal.h"
#include "identity/service.h"
#include "notify/webhooks.h"

namespace hetong::api {

// Adds the webhook routes to `routes`. The services may be null when only the route patterns
// are listed (V1RoutePatterns); they are not used until a handler runs.
void AddWebhookRoutes(v1::RouteTable& routes, notify::WebhookService* webhooks,
                      identity::IdentityService* identity);

nlohmann::json WebhookJson(const notify::Webhook& w);
nlohmann::json WebhookDeliveryJson(const notify::WebhookDelivery& d);

}  // namespace hetong::api
