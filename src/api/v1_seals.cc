#include "api/v1_seals.h"

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

// A raw image/png body with ?name= and ?keep_background=true|false.
StatusOr<seal::UploadRequest> UploadOf(const HttpRequest& req) {
  auto ct = req.Header("content-type");
  if (!ct || ct->rfind("image/png", 0) != 0) {
    return FailedPreconditionError("send the picture as the body with Content-Type: image/png");
  }
  seal::UploadRequest r;
  auto q = req.QueryParams();
  for (const auto& [k, v] : q) {
    if (k != "name" && k != "keep_background") {
      return InvalidArgumentError("unknown query parameter '" + k + "'");
    }
  }
  if (q.count("name")) r.name = q["name"];
  if (q.count("keep_background")) {
    if (q["keep_background"] != "true" && q["keep_background"] != "false") {
      return InvalidArgumentError("keep_background is true or false");
    }
    r.keep_background = q["keep_background"] == "true";
  }
  r.png.assign(req.body.begin(), req.body.end());
  return r;
}

HttpResponse UploadError(const Status& s) {
  if (s.code() == StatusCode::kFailedPrecondition) {
    return HttpResponse::Problem(415, "unsupported-media-type", "Unsupported media type",
                                 s.message());
  }
  return BadRequest(s.message());
}

constexpr size_t kMaxUploadBody = seal::UploadLimits{}.max_bytes;

}  // namespace

json SealJson(const seal::Seal& s) {
  return {{"id", s.id},
          {"owner_id", s.owner_id},
          {"kind", std::string(seal::SealKindName(s.kind))},
          {"name", s.name},
          {"seal_code", s.seal_code},
          {"center_text", s.center_text},
          {"owner_name", s.owner_name},
          {"image_url", "/api/v1/seals/" + s.id + "/image"},
          {"image_sm3", s.image_sm3},
          {"width", s.width},
          {"height", s.height},
          {"image_size", s.image_size},
          {"status", std::string(seal::SealStatusName(s.status))},
          {"status_reason", s.status_reason},
          {"status_changed_by", s.status_changed_by},
          {"status_changed_at", OptTime(s.status_changed_at)},
          {"created_by", s.created_by},
          {"created_at", v1::Time(s.created_at)},
          {"revoked_at", OptTime(s.revoked_at)},
          {"revoked_by", s.revoked_by},
          {"revoked_reason", s.revoked_reason}};
}

json SealUseJson(const seal::SealUse& u) {
  return {{"id", u.id},
          {"seal_id", u.seal_id},
          {"used_at", v1::Time(u.used_at)},
          {"actor_id", u.actor_id},
          {"org_id", u.org_id},
          {"grant_id", u.grant_id},
          {"contract_id", u.contract_id},
          {"subject", u.subject},
          {"purpose", u.purpose},
          {"document_digest", u.document_digest}};
}

void AddSealRoutes(v1::RouteTable& routes, seal::SealService* seals) {
  // ---- an organisation's seals ----
  routes.Add("POST", "/orgs/{id}/seals", true, true, [seals](Context& c) {
    auto b = Body::Parse(c.req, {{"kind", Body::Type::kString, false},
                                 {"name", Body::Type::kString, false},
                                 {"center_text", Body::Type::kString, false},
                                 {"seal_code", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    if (b->Has("kind") && b->Str("kind") != "company") {
      return BadRequest("an organisation generates seals of kind 'company'; upload other pictures");
    }
    seal::GenerateRequest r{b->Str("name"), b->Str("center_text"), b->Str("seal_code")};
    auto s = seals->CreateGenerated(Actor(c), c.params[0], r);
    if (!s.ok()) return Fail(s.status());
    return JsonResponse(201, SealJson(*s));
  });

  routes.Add(
      "POST", "/orgs/{id}/seals/upload", true, true,
      [seals](Context& c) {
        auto r = UploadOf(c.req);
        if (!r.ok()) return UploadError(r.status());
        auto s = seals->Upload(Actor(c), c.params[0], *r);
        if (!s.ok()) return Fail(s.status());
        return JsonResponse(201, SealJson(*s));
      },
      kMaxUploadBody);

  routes.Add("GET", "/orgs/{id}/seals", true, false, [seals](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto list = seals->List(Actor(c), c.params[0], p->limit + 1, p->offset);
    if (!list.ok()) return Fail(list.status());
    return JsonResponse(200, PageJson(std::move(*list), *p, SealJson));
  });

  // ---- the caller's own seals ----
  routes.Add("GET", "/me/seals", true, false, [seals](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto list = seals->MySeals(Actor(c), p->limit + 1, p->offset);
    if (!list.ok()) return Fail(list.status());
    return JsonResponse(200, PageJson(std::move(*list), *p, SealJson));
  });

  routes.Add("POST", "/me/seals", true, true, [seals](Context& c) {
    auto b = Body::Parse(c.req, {{"name", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto s = seals->CreateGenerated(Actor(c), Actor(c), {b->Str("name"), "", ""});
    if (!s.ok()) return Fail(s.status());
    return JsonResponse(201, SealJson(*s));
  });

  routes.Add(
      "POST", "/me/seals/upload", true, true,
      [seals](Context& c) {
        auto r = UploadOf(c.req);
        if (!r.ok()) return UploadError(r.status());
        auto s = seals->Upload(Actor(c), Actor(c), *r);
        if (!s.ok()) return Fail(s.status());
        return JsonResponse(201, SealJson(*s));
      },
      kMaxUploadBody);

  // ---- one seal ----
  routes.Add("GET", "/seals/{id}", true, false, [seals](Context& c) {
    auto s = seals->Get(Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s.status());
    return JsonResponse(200, SealJson(*s));
  });

  routes.Add("GET", "/seals/{id}/image", true, false, [seals](Context& c) {
    auto png = seals->Image(Actor(c), c.params[0]);
    if (!png.ok()) return Fail(png.status());
    HttpResponse r = HttpResponse::Binary(200, "image/png", std::string(png->begin(), png->end()));
    r.SetHeader("Cache-Control", "private, max-age=300");
    return r;
  });

  routes.Add("POST", "/seals/{id}/status", true, false, [seals](Context& c) {
    auto b = Body::Parse(
        c.req, {{"status", Body::Type::kString, true}, {"reason", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto status = seal::ParseSealStatus(b->Str("status"));
    if (!status.ok()) return BadRequest(status.status().message());
    auto s = seals->SetStatus(Actor(c), c.params[0], *status, b->Str("reason"));
    if (!s.ok()) return Fail(s.status());
    return JsonResponse(200, SealJson(*s));
  });

  routes.Add("GET", "/seals/{id}/usage", true, false, [seals](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    auto list = seals->Usage(Actor(c), c.params[0], p->limit + 1, p->offset);
    if (!list.ok()) return Fail(list.status());
    return JsonResponse(200, PageJson(std::move(*list), *p, SealUseJson));
  });

  // ---- grants restricted to seals ----
  routes.Add("GET", "/orgs/{id}/grants/{grant}/seals", true, false, [seals](Context& c) {
    auto ids = seals->GrantSeals(Actor(c), c.params[0], c.params[1]);
    if (!ids.ok()) return Fail(ids.status());
    return JsonResponse(200, {{"grant_id", c.params[1]}, {"seal_ids", *ids}});
  });

  routes.Add("PUT", "/orgs/{id}/grants/{grant}/seals", true, false, [seals](Context& c) {
    auto b = Body::Parse(c.req, {{"seal_ids", Body::Type::kStringArray, true}});
    if (!b.ok()) return BodyError(b.status());
    auto ids = seals->RestrictGrant(Actor(c), c.params[0], c.params[1],
                                    b->Get("seal_ids").get<std::vector<std::string>>());
    if (!ids.ok()) return Fail(ids.status());
    return JsonResponse(200, {{"grant_id", c.params[1]}, {"seal_ids", *ids}});
  });
}

}  // namespace hetong::api
