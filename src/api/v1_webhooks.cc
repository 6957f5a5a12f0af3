#include "api/v1_webhooks.h"

#include <string>
#include <vector>

namespace hetong::api {

using v1::Actor;
using v1::BadRequest;
using v1::Body;
using v1::BodyError;
using v1::Context;
using v1::Fail;
using v1::json;
using v1::JsonResponse;
using v1::OptTime;
using v1::PageJson;
using v1::PageOf;

namespace {

// Only the organisation's admins manage its webhooks.
Status RequireAdmin(identity::IdentityService& id, const std::string& actor,
                    const std::string& org_id) {
  HETONG_RETURN_IF_ERROR(id.GetOrg(actor, org_id).status());
  HETONG_ASSIGN_OR_RETURN(auto memberships, id.Memberships(actor));
  for (const auto& m : memberships) {
    if (m.org_id == org_id && m.role == identity::Role::kAdmin) return OkStatus();
  }
  return PermissionDeniedError("only admins of the organisation manage its webhooks");
}

json AttemptJson(const notify::WebhookAttempt& a) {
  return {{"attempt", a.attempt},
          {"started_at", v1::Time(a.started_at)},
          {"status", a.status == 0 ? json(nullptr) : json(a.status)},
          {"error", a.error},
          {"duration_ms", a.duration_ms}};
}

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

json WebhookJson(const notify::Webhook& w) {
  return {{"id", w.id},
          {"org_id", w.org_id},
          {"url", w.url},
          {"events", w.events},
          {"description", w.description},
          {"active", w.active},
          {"created_by", w.created_by},
          {"created_at", v1::Time(w.created_at)},
          {"updated_at", v1::Time(w.updated_at)}};
}

json WebhookDeliveryJson(const notify::WebhookDelivery& d) {
  json payload = json::parse(d.body, nullptr, false);
  return {{"id", d.id},
          {"webhook_id", d.webhook_id},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"state", d.state},
          {"attempts", d.attempts},
          {"next_attempt_at", d.state == "pending" ? OptTime(d.next_attempt_at) : json(nullptr)},
          {"last_status", d.last_status == 0 ? json(nullptr) : json(d.last_status)},
          {"last_error", d.last_error},
          {"created_at", v1::Time(d.created_at)},
          {"delivered_at", OptTime(d.delivered_at)},
          {"payload", payload.is_discarded() ? json(nullptr) : payload}};
}

void AddWebhookRoutes(v1::RouteTable& routes, notify::WebhookService* webhooks,
                      identity::IdentityService* identity) {
  routes.Add("GET", "/orgs/{id}/webhooks", true, false, [=](Context& c) {
    Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    auto list = webhooks->List(c.params[0]);
    if (!list.ok()) return Fail(list.status());
    json items = json::array();
    for (const auto& w : *list) items.push_back(WebhookJson(w));
    return JsonResponse(200, {{"items", items}, {"next_offset", nullptr}});
  });

  // Not idempotent: the answer carries the secret, which must not be stored with a replay key.
  routes.Add("POST", "/orgs/{id}/webhooks", true, false, [=](Context& c) {
    auto b = Body::Parse(c.req, {{"url", Body::Type::kString, true},
                                 {"events", Body::Type::kStringArray, false},
                                 {"description", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    notify::WebhookService::Registration r;
    r.url = b->Str("url");
    if (b->Has("events")) r.events = b->Get("events").get<std::vector<std::string>>();
    r.description = b->Str("description");
    auto created = webhooks->Register(c.params[0], Actor(c), r);
    if (!created.ok()) return Fail(created.status());
    json j = WebhookJson(created->webhook);
    j["secret"] = std::string(created->secret.RevealString(SecretAccess::Unsafe()));
    HttpResponse answer = JsonResponse(201, j);
    answer.SetHeader("Cache-Control", "no-store");
    return answer;
  });

  routes.Add("GET", "/orgs/{id}/webhooks/{hook}", true, false, [=](Context& c) {
    Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    auto w = webhooks->Get(c.params[0], c.params[1]);
    if (!w.ok()) return Fail(w.status());
    return JsonResponse(200, WebhookJson(*w));
  });

  routes.Add("PATCH", "/orgs/{id}/webhooks/{hook}", true, false, [=](Context& c) {
    auto b = Body::Parse(c.req, {{"active", Body::Type::kBool, true}});
    if (!b.ok()) return BodyError(b.status());
    Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    auto w = webhooks->SetActive(c.params[0], c.params[1], b->Bool("active"));
    if (!w.ok()) return Fail(w.status());
    return JsonResponse(200, WebhookJson(*w));
  });

  routes.Add("DELETE", "/orgs/{id}/webhooks/{hook}", true, false, [=](Context& c) {
    Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    s = webhooks->Delete(c.params[0], c.params[1]);
    if (!s.ok()) return Fail(s);
    return NoContent();
  });

  routes.Add("GET", "/orgs/{id}/webhooks/{hook}/deliveries", true, false, [=](Context& c) {
    auto page = PageOf(c.req);
    if (!page.ok()) return BadRequest(page.status().message());
    Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s);
    auto list = webhooks->ListDeliveries(c.params[0], c.params[1], page->limit + 1, page->offset);
    if (!list.ok()) return Fail(list.status());
    return JsonResponse(200, PageJson(std::move(*list), *page, WebhookDeliveryJson));
  });

  routes.Add("GET", "/orgs/{id}/webhooks/{hook}/deliveries/{delivery}/attempts", true, false,
             [=](Context& c) {
               Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
               if (!s.ok()) return Fail(s);
               auto list = webhooks->ListAttempts(c.params[0], c.params[1], c.params[2]);
               if (!list.ok()) return Fail(list.status());
               json items = json::array();
               for (const auto& a : *list) items.push_back(AttemptJson(a));
               return JsonResponse(200, {{"items", items}, {"next_offset", nullptr}});
             });

  routes.Add("POST", "/orgs/{id}/webhooks/{hook}/deliveries/{delivery}/redeliver", true, true,
             [=](Context& c) {
               Status s = RequireAdmin(*identity, Actor(c), c.params[0]);
               if (!s.ok()) return Fail(s);
               auto d = webhooks->Redeliver(c.params[0], c.params[1], c.params[2]);
               if (!d.ok()) return Fail(d.status());
               return JsonResponse(202, WebhookDeliveryJson(*d));
             });
}

}  // namespace hetong::api
