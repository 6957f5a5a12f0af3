#include "api/v1_contracts.h"

#include "base/encoding.h"
#include "contract/flow.h"

namespace hetong::api {

namespace {

using namespace v1;  // NOLINT(google-build-using-namespace): the handlers' shared vocabulary
using contract::Contract;

json PartyJson(const contract::Party& p) {
  json j = {{"index", p.index},
            {"person_id", p.person_id},
            {"name", p.name},
            {"field",
             {{"page", p.field.page},
              {"x", p.field.x},
              {"y", p.field.y},
              {"width", p.field.width},
              {"height", p.field.height}}},
            {"status", p.status},
            {"signed_at", OptTime(p.signed_at)}};
  if (!p.org_id.empty()) j["org_id"] = p.org_id;
  if (!p.signature_id.empty()) j["signature_id"] = p.signature_id;
  if (!p.seal_id.empty()) j["appearance"] = p.seal_id;
  return j;
}

json ContractJson(const Contract& c) {
  json parties = json::array();
  for (const auto& p : c.parties) parties.push_back(PartyJson(p));
  json j = {{"id", c.id},
            {"title", c.title},
            {"creator_id", c.creator_id},
            {"org_id", c.org_id.empty() ? json(nullptr) : json(c.org_id)},
            {"contract_type", c.contract_type},
            {"document_id", c.document_id},
            {"document_sm3", c.current_sm3},
            {"flow", std::string(contract::FlowName(c.flow))},
            {"state", std::string(contract::StateName(c.state))},
            {"deadline", OptTime(c.deadline)},
            {"parties", parties},
            {"to_sign", contract::PartiesToSign(c)},
            {"encrypted_at_rest", !c.current_wrapped_key.empty()},
            {"created_at", Time(c.created_at)},
            {"updated_at", Time(c.updated_at)},
            {"sent_at", OptTime(c.sent_at)},
            {"completed_at", OptTime(c.completed_at)}};
  if (!c.reason.empty()) j["reason"] = c.reason;
  return j;
}

json DocumentJson(const contract::Document& d) {
  return {{"id", d.id},
          {"file_name", d.file_name},
          {"sm3", d.sm3},
          {"size", d.size},
          {"pages", d.pages},
          {"org_id", d.org_id.empty() ? json(nullptr) : json(d.org_id)},
          {"encrypted_at_rest", !d.wrapped_key.empty()},
          {"created_at", Time(d.created_at)}};
}

json EventJson(const contract::ContractEvent& e) {
  json details = json::parse(e.details, nullptr, false);
  return {{"seq", e.seq},
          {"type", e.type},
          {"actor", e.actor},
          {"at", Time(e.at)},
          {"details", details.is_discarded() ? json::object() : details},
          {"leaf_index", e.leaf_index >= 0 ? json(e.leaf_index) : json(nullptr)}};
}

StatusOr<contract::Party> PartyFrom(const json& j, size_t i,
                                    identity::IdentityService* identity_for_email) {
  std::string at = "parties[" + std::to_string(i) + "]: ";
  if (!j.is_object()) return InvalidArgumentError(at + "each party is an object");
  contract::Party p;
  for (const auto& [k, v] : j.items()) {
    if (k == "person_id" || k == "email" || k == "org_id") {
      if (!v.is_string()) return InvalidArgumentError(at + k + " is a string");
    } else if (k == "page") {
      if (!v.is_number_integer()) return InvalidArgumentError(at + "page is an integer");
    } else if (k == "x" || k == "y" || k == "width" || k == "height") {
      if (!v.is_number()) return InvalidArgumentError(at + k + " is a number");
    } else {
      return InvalidArgumentError(at + "unknown field '" + k + "'");
    }
  }
  if (j.contains("person_id")) {
    p.person_id = j["person_id"].get<std::string>();
  } else if (j.contains("email") && identity_for_email) {
    auto a = identity_for_email->PersonByEmail(j["email"].get<std::string>());
    if (!a.ok()) return InvalidArgumentError(at + a.status().message());
    p.person_id = a->id;
  } else {
    return InvalidArgumentError(at + "person_id or email is required");
  }
  if (j.contains("org_id")) p.org_id = j["org_id"].get<std::string>();
  for (const char* k : {"page", "x", "y", "width", "height"}) {
    if (!j.contains(k)) return InvalidArgumentError(at + std::string(k) + " is required");
  }
  int64_t page = j["page"].get<int64_t>();
  if (page < 1 || page > 100000) return InvalidArgumentError(at + "page is 1 or more");
  p.field.page = static_cast<int>(page);
  p.field.x = j["x"].get<double>();
  p.field.y = j["y"].get<double>();
  p.field.width = j["width"].get<double>();
  p.field.height = j["height"].get<double>();
  return p;
}

StatusOr<int> OptParty(const Body& b) {
  if (!b.Has("party")) return -1;
  int64_t v = b.Get("party").get<int64_t>();
  if (v < 0 || v > 1000) return InvalidArgumentError("party is a party index (0, 1, ...)");
  return static_cast<int>(v);
}

}  // namespace

void AddContractRoutes(RouteTable& t, const ContractRoutesDeps* d) {
  t.Add(
      "POST", "/documents", true, true,
      [d](Context& c) {
        auto ct = c.req.Header("content-type");
        if (!ct || ct->rfind("application/pdf", 0) != 0) {
          return HttpResponse::Problem(415, "unsupported-media-type", "Unsupported media type",
                                       "send the PDF file as the body with Content-Type: "
                                       "application/pdf");
        }
        auto q = c.req.QueryParams();
        auto doc = d->contracts->Upload(Actor(c), q["org_id"], q["file_name"], AsBytes(c.req.body));
        if (!doc.ok()) return Fail(doc.status());
        return JsonResponse(201, DocumentJson(*doc));
      },
      d->max_document_bytes);

  t.Add("POST", "/contracts", true, true, [d](Context& c) {
    auto b = Body::Parse(c.req, {{"title", Body::Type::kString, true},
                                 {"document_id", Body::Type::kString, true},
                                 {"org_id", Body::Type::kString, false},
                                 {"contract_type", Body::Type::kString, false},
                                 {"flow", Body::Type::kString, false},
                                 {"deadline", Body::Type::kString, false},
                                 {"parties", Body::Type::kArray, true}});
    if (!b.ok()) return BodyError(b.status());
    contract::ContractDraft draft;
    draft.title = b->Str("title");
    draft.document_id = b->Str("document_id");
    draft.org_id = b->Str("org_id");
    draft.contract_type = b->Str("contract_type");
    if (b->Has("flow")) {
      auto f = contract::ParseFlow(b->Str("flow"));
      if (!f.ok()) return BadRequest(f.status().message());
      draft.flow = *f;
    }
    if (b->Has("deadline")) {
      auto when = base::ParseRfc3339(b->Str("deadline"));
      if (!when.ok()) return BadRequest("deadline is an RFC 3339 time, e.g. 2026-12-31T18:00:00Z");
      draft.deadline = *when;
    }
    const json& parties = b->Get("parties");
    if (parties.size() > 20) return BadRequest("a contract has at most 20 parties");
    for (size_t i = 0; i < parties.size(); ++i) {
      auto p = PartyFrom(parties[i], i, &d->contracts->identity());
      if (!p.ok()) return BadRequest(p.status().message());
      draft.parties.push_back(*std::move(p));
    }
    auto created = d->contracts->Create(Actor(c), std::move(draft));
    if (!created.ok()) return Fail(created.status());
    return JsonResponse(201, ContractJson(*created));
  });

  t.Add("GET", "/contracts", true, false, [d](Context& c) {
    auto page = PageOf(c.req);
    if (!page.ok()) return BadRequest(page.status().message());
    auto q = c.req.QueryParams();
    contract::ContractFilter f;
    f.limit = page->limit;
    f.offset = page->offset;
    if (q.count("state")) {
      auto s = contract::ParseState(q["state"]);
      if (!s.ok()) return BadRequest(s.status().message());
      f.state = *s;
    }
    if (q["q"].size() > 200) return BadRequest("q has at most 200 bytes");
    f.search = q["q"];
    f.org_id = q["org_id"];
    if (q.count("awaiting")) {
      if (q["awaiting"] != "me") return BadRequest("awaiting=me is the only value");
      f.awaiting = Actor(c);
    }
    auto rows = d->contracts->List(Actor(c), f);
    if (!rows.ok()) return Fail(rows.status());
    return JsonResponse(200, PageJson(*std::move(rows), *page, ContractJson));
  });

  t.Add("GET", "/contracts/{id}", true, false, [d](Context& c) {
    auto k = d->contracts->Get(Actor(c), c.params[0]);
    if (!k.ok()) return Fail(k.status());
    return JsonResponse(200, ContractJson(*k));
  });

  t.Add("GET", "/contracts/{id}/events", true, false, [d](Context& c) {
    auto events = d->contracts->Timeline(Actor(c), c.params[0]);
    if (!events.ok()) return Fail(events.status());
    json items = json::array();
    for (const auto& e : *events) items.push_back(EventJson(e));
    return JsonResponse(200, {{"items", items}});
  });

  t.Add("POST", "/contracts/{id}/send", true, true, [d](Context& c) {
    auto k = d->contracts->Send(Actor(c), c.params[0]);
    if (!k.ok()) return Fail(k.status());
    return JsonResponse(200, ContractJson(*k));
  });

  // Without `method`: the statement to confirm (and with `channel`, a code is sent for it);
  // with `method`: the confirmation, answered with a single-use intent token.
  t.Add("POST", "/contracts/{id}/intent", true, false, [d](Context& c) {
    auto b = Body::Parse(c.req, {{"party", Body::Type::kInteger, false},
                                 {"channel", Body::Type::kString, false},
                                 {"method", Body::Type::kString, false},
                                 {"password", Body::Type::kString, false},
                                 {"totp", Body::Type::kString, false},
                                 {"code_id", Body::Type::kString, false},
                                 {"code", Body::Type::kString, false}});
    if (!b.ok()) return BodyError(b.status());
    auto party = OptParty(*b);
    if (!party.ok()) return BadRequest(party.status().message());
    auto st = d->contracts->Statement(Actor(c), c.params[0], *party);
    if (!st.ok()) return Fail(st.status());
    json out = {{"party", st->party}, {"statement", st->text}, {"statement_sm3", st->sm3_hex}};
    if (!b->Has("method")) {
      if (b->Has("channel")) {
        auto code_id = d->signing->SendIntentCode(Actor(c), st->sm3_hex, b->Str("channel"));
        if (!code_id.ok()) return Fail(code_id.status());
        out["code_id"] = *code_id;
      }
      return JsonResponse(200, out);
    }
    identity::IntentConfirmation conf;
    conf.method = b->Str("method");
    conf.password = b->Secret("password");
    conf.totp = b->Str("totp");
    conf.code_id = b->Str("code_id");
    conf.code = b->Str("code");
    auto issued = d->signing->ConfirmIntent(Actor(c), st->sm3_hex, std::move(conf));
    if (!issued.ok()) return Fail(issued.status());
    out["intent_id"] = issued->id;
    out["intent_token"] = std::string(issued->token.RevealString(SecretAccess::Unsafe()));
    out["expires_at"] = Time(issued->expires_at);
    HttpResponse r = JsonResponse(200, out);
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });

  t.Add("POST", "/contracts/{id}/sign", true, true, [d](Context& c) {
    auto b = Body::Parse(c.req, {{"party", Body::Type::kInteger, false},
                                 {"intent_token", Body::Type::kString, true},
                                 {"appearance", Body::Type::kObject, false}});
    if (!b.ok()) return BodyError(b.status());
    contract::SignRequest r;
    auto party = OptParty(*b);
    if (!party.ok()) return BadRequest(party.status().message());
    r.party = *party;
    r.intent_token = b->Str("intent_token");
    if (b->Has("appearance")) {
      const json& a = b->Get("appearance");
      for (const auto& [k, v] : a.items()) {
        if (k != "kind" && k != "seal_id" && k != "image_png") {
          return BadRequest("appearance: unknown field '" + k + "'");
        }
        if (!v.is_string()) return BadRequest("appearance." + k + " is a string");
      }
      r.appearance.kind = a.value("kind", "");
      r.appearance.seal_id = a.value("seal_id", "");
      if (a.contains("image_png")) {
        auto png = base::Base64Decode(a["image_png"].get<std::string>());
        if (!png.ok()) return BadRequest("appearance.image_png is base64 of a PNG image");
        r.appearance.handwritten_png = *std::move(png);
      }
    }
    auto out = d->contracts->Sign(Actor(c), c.params[0], std::move(r));
    if (!out.ok()) return Fail(out.status());
    json j = {{"contract", ContractJson(out->contract)},
              {"party", out->party},
              {"signature_id", out->signature_id},
              {"completed", out->completed}};
    return JsonResponse(200, j);
  });

  t.Add("POST", "/contracts/{id}/reject", true, true, [d](Context& c) {
    auto b = Body::Parse(
        c.req, {{"party", Body::Type::kInteger, false}, {"reason", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    auto party = OptParty(*b);
    if (!party.ok()) return BadRequest(party.status().message());
    auto k = d->contracts->Reject(Actor(c), c.params[0], *party, b->Str("reason"));
    if (!k.ok()) return Fail(k.status());
    return JsonResponse(200, ContractJson(*k));
  });

  t.Add("POST", "/contracts/{id}/revoke", true, true, [d](Context& c) {
    auto b = Body::Parse(c.req, {{"reason", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    auto k = d->contracts->Revoke(Actor(c), c.params[0], b->Str("reason"));
    if (!k.ok()) return Fail(k.status());
    return JsonResponse(200, ContractJson(*k));
  });

  t.Add("GET", "/contracts/{id}/document", true, false, [d](Context& c) {
    auto k = d->contracts->Get(Actor(c), c.params[0]);
    if (!k.ok()) return Fail(k.status());
    auto pdf = d->contracts->ContractPdf(Actor(c), c.params[0]);
    if (!pdf.ok()) return Fail(pdf.status());
    for (const auto& p : k->parties) {
      if (p.person_id == Actor(c) && p.status == "pending") {
        (void)d->contracts->Record(
            *k, "contract.viewed", Actor(c),
            json({{"party", p.index}, {"document_sm3", k->current_sm3}}).dump());
        break;
      }
    }
    HttpResponse r =
        HttpResponse::Binary(200, "application/pdf", std::string(pdf->begin(), pdf->end()));
    r.SetHeader("Content-Disposition", "attachment; filename=\"" + k->id + ".pdf\"");
    r.SetHeader("X-Content-SM3", k->current_sm3);
    return r;
  });

  t.Add("GET", "/contracts/{id}/evidence", true, false, [d](Context& c) {
    if (!d->evidence_package) {
      return HttpResponse::Problem(503, "unavailable", "Unavailable",
                                   "this instance keeps no evidence log");
    }
    auto zip = d->evidence_package(Actor(c), c.params[0]);
    if (!zip.ok()) return Fail(zip.status());
    HttpResponse r =
        HttpResponse::Binary(200, "application/zip", std::string(zip->begin(), zip->end()));
    r.SetHeader("Content-Disposition", "attachment; filename=\"" + c.params[0] + "-evidence.zip\"");
    return r;
  });

  t.Add(
      "POST", "/verify", false, false,
      [d](Context& c) {
        if (c.req.body.empty()) return BadRequest("send the PDF file as the body");
        auto report = d->verify_pdf(AsBytes(c.req.body));
        if (!report.ok()) return Fail(report.status());
        return HttpResponse::Json(200, *report);
      },
      d->max_document_bytes);

  t.Add("GET", "/orgs/{id}/statistics", true, false, [d](Context& c) {
    auto s = d->contracts->Statistics(Actor(c), c.params[0]);
    if (!s.ok()) return Fail(s.status());
    json by_state = json::object();
    for (const auto& [k, n] : s->by_state) by_state[k] = n;
    return JsonResponse(200, {{"org_id", c.params[0]},
                              {"contracts", s->total},
                              {"by_state", by_state},
                              {"signatures", s->signatures},
                              {"median_hours_to_complete", s->median_hours_to_complete}});
  });

  t.Add("GET", "/orgs/{id}/archive", true, false, [d](Context& c) {
    auto on = d->contracts->EncryptedArchive(Actor(c), c.params[0]);
    if (!on.ok()) return Fail(on.status());
    return JsonResponse(200, {{"encrypted", *on}});
  });

  t.Add("PUT", "/orgs/{id}/archive", true, false, [d](Context& c) {
    auto b = Body::Parse(c.req, {{"encrypted", Body::Type::kBool, true}});
    if (!b.ok()) return BodyError(b.status());
    Status s = d->contracts->SetEncryptedArchive(Actor(c), c.params[0], b->Bool("encrypted"));
    if (!s.ok()) return Fail(s);
    return JsonResponse(200, {{"encrypted", b->Bool("encrypted")}});
  });

  t.Add("POST", "/invitations/accept", true, false, [d](Context& c) {
    auto b = Body::Parse(c.req, {{"token", Body::Type::kString, true}});
    if (!b.ok()) return BodyError(b.status());
    auto k = d->contracts->AcceptInvitation(Actor(c), b->Str("token"));
    if (!k.ok()) return Fail(k.status());
    return JsonResponse(200, ContractJson(*k));
  });
}

}  // namespace hetong::api
