#include "api/v1_evidence.h"

#include "base/encoding.h"
#include "evidence/tree_head.h"

namespace hetong::api {

namespace {

using namespace v1;  // NOLINT(google-build-using-namespace): the handlers' shared vocabulary

// A non-negative decimal query parameter of at most 18 digits.
StatusOr<uint64_t> Number(std::map<std::string, std::string>& q, const std::string& name) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty() || it->second.size() > 18 ||
      it->second.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgumentError(name + " is a non-negative integer");
  }
  return std::stoull(it->second);
}

HttpResponse Cached(int status, std::string body, int seconds) {
  HttpResponse r = HttpResponse::Json(status, std::move(body));
  r.SetHeader("Cache-Control", "max-age=" + std::to_string(seconds) + ", public");
  return r;
}

}  // namespace

void AddEvidenceRoutes(RouteTable& t, evidence::EvidenceLog* log,
                       identity::IdentityService* identity) {
  t.Add("GET", "/evidence/sth", false, false, [log](Context&) {
    auto head = log->LatestHead();
    if (!head.ok()) return Fail(head.status());
    if (!*head) {
      return HttpResponse::Problem(404, "not-found", "Not found",
                                   "the log has no signed tree head yet; try again in a minute");
    }
    return Cached(200, evidence::TreeHeadToJson(**head), 10);
  });

  t.Add("GET", "/evidence/sth/{size}", false, false, [log](Context& c) {
    std::map<std::string, std::string> q = {{"size", c.params[0]}};
    auto size = Number(q, "size");
    if (!size.ok()) return BadRequest(size.status().message());
    auto head = log->HeadAt(*size);
    if (!head.ok()) return Fail(head.status());
    if (!*head) {
      return HttpResponse::Problem(404, "not-found", "Not found",
                                   "no signed tree head has this size (GET /api/v1/evidence/sth)");
    }
    return Cached(200, evidence::TreeHeadToJson(**head), 86400);
  });

  t.Add("GET", "/evidence/proofs/consistency", false, false, [log](Context& c) {
    auto q = c.req.QueryParams();
    auto first = Number(q, "first");
    auto second = Number(q, "second");
    if (!first.ok()) return BadRequest(first.status().message());
    if (!second.ok()) return BadRequest(second.status().message());
    if (*first == 0 || *first > *second) {
      return BadRequest("0 < first <= second: the sizes of an older and a newer tree head");
    }
    auto size = log->Size();
    if (!size.ok()) return Fail(size.status());
    if (*second > *size) return BadRequest("second is larger than the log");
    auto proof = log->ConsistencyProof(*first, *second);
    if (!proof.ok()) return Fail(proof.status());
    evidence::ConsistencyProofDoc doc;
    doc.first = *first;
    doc.second = *second;
    doc.proof = *std::move(proof);
    return Cached(200, evidence::ConsistencyProofToJson(doc), 86400);
  });

  t.Add("GET", "/evidence/proofs/inclusion", false, false, [log](Context& c) {
    auto q = c.req.QueryParams();
    auto index = Number(q, "index");
    auto tree_size = Number(q, "tree_size");
    if (!index.ok()) return BadRequest(index.status().message());
    if (!tree_size.ok()) return BadRequest(tree_size.status().message());
    if (*index >= *tree_size) return BadRequest("index < tree_size");
    auto size = log->Size();
    if (!size.ok()) return Fail(size.status());
    if (*tree_size > *size) return BadRequest("tree_size is larger than the log");
    auto leaf = log->Get(*index);
    if (!leaf.ok()) return Fail(leaf.status());
    auto proof = log->InclusionProof(*index, *tree_size);
    if (!proof.ok()) return Fail(proof.status());
    json path = json::array();
    for (const auto& h : *proof) path.push_back(base::HexEncode(h));
    return Cached(200,
                  json({{"hash", "sm3"},
                        {"index", *index},
                        {"tree_size", *tree_size},
                        {"leaf_hash", base::HexEncode(leaf->leaf_hash)},
                        {"proof", path}})
                      .dump(),
                  86400);
  });

  // The organisation's audit trail, newest first (its admins only; others as for every
  // organisation route: 404 for outsiders, 403 for members without the role).
  // Paged by offset like every list, or by `before` (the index of the last event seen):
  // the cursor costs the same on every page and is not shifted by new events.
  t.Add("GET", "/orgs/{id}/audit", true, false, [log, identity](Context& c) {
    auto p = PageOf(c.req);
    if (!p.ok()) return BadRequest(p.status().message());
    uint64_t before = UINT64_MAX;
    if (auto q = c.req.QueryParams(); q.count("before")) {
      auto b = Number(q, "before");
      if (!b.ok()) return BadRequest(b.status().message());
      before = *b;
    }
    const std::string& org = c.params[0];
    auto role = identity->RoleOf(org, Actor(c));
    if (!role.ok()) return Fail(role.status());
    if (!*role) return Fail(NotFoundError("no such organisation"));
    if (**role != identity::Role::kAdmin) {
      return Fail(PermissionDeniedError("this needs the admin role in the organisation"));
    }
    // One more than the page, so that PageJson knows whether another page follows.
    auto page = log->NewestEventsFor(org, static_cast<uint64_t>(p->offset), p->limit + 1, before);
    if (!page.ok()) return Fail(page.status());
    json next_before = nullptr;
    if (page->size() > static_cast<size_t>(p->limit)) {
      next_before = (*page)[static_cast<size_t>(p->limit) - 1].index;
    }
    json body = PageJson(std::move(*page), *p, [](const evidence::LoggedEvent& e) {
      json details = json::parse(e.event.details, nullptr, false);
      if (!details.is_object()) details = json::object();
      return json{{"index", e.index},
                  {"type", e.event.type},
                  {"actor", e.event.actor},
                  {"at", Time(e.event.at)},
                  {"details", details}};
    });
    body["next_before"] = next_before;
    return JsonResponse(200, body);
  });
}

}  // namespace hetong::api
