// Shared pieces of the /api/v1 handlers (api/v1.cc and the route files of each area:
// v1_contracts.cc, v1_evidence.cc, v1_seals.cc, v1_webhooks.cc): strict JSON bodies, problem
// responses, paging, and the route table each area adds its routes to.
//
// Thread-safety: a RouteTable is filled once at start-up; handlers run concurrently and must
// be thread-safe themselves.
#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "base/clock.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "identity/service.h"

namespace hetong::api::v1 {

using nlohmann::json;

inline constexpr size_t kMaxJsonBody = 1 << 20;  // documents are uploaded elsewhere, not as JSON

inline std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

inline HttpResponse JsonResponse(int status, const json& j) {
  return HttpResponse::Json(status, Dump(j));
}

inline HttpResponse BadRequest(const std::string& detail) {
  return HttpResponse::Problem(400, "invalid-request", "Invalid request", detail);
}

// ---- request bodies ----

// A JSON object body with only the allowed fields, each of its expected type.
class Body {
 public:
  enum class Type { kString, kBool, kObject, kStringArray, kArray, kNumber, kInteger };
  struct Field {
    std::string_view name;
    Type type;
    bool required;
  };

  static StatusOr<Body> Parse(const HttpRequest& req, std::initializer_list<Field> fields) {
    auto ct = req.Header("content-type");
    if (!ct || ct->rfind("application/json", 0) != 0) {
      return FailedPreconditionError("send Content-Type: application/json");
    }
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded()) return InvalidArgumentError("the body is not valid JSON");
    if (!j.is_object()) return InvalidArgumentError("the body is a JSON object");
    for (const auto& [k, v] : j.items()) {
      auto f =
          std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return x.name == k; });
      if (f == fields.end()) return InvalidArgumentError("unknown field '" + k + "'");
      bool ok = false;
      switch (f->type) {
        case Type::kString:
          ok = v.is_string();
          break;
        case Type::kBool:
          ok = v.is_boolean();
          break;
        case Type::kObject:
          ok = v.is_object();
          break;
        case Type::kArray:
          ok = v.is_array();
          break;
        case Type::kNumber:
          ok = v.is_number();
          break;
        case Type::kInteger:
          ok = v.is_number_integer();
          break;
        case Type::kStringArray:
          ok = v.is_array() &&
               std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
          break;
      }
      if (!ok) {
        static constexpr const char* kNames[] = {
            "a string", "true or false", "an object", "an array of strings",
            "an array", "a number",      "an integer"};
        return InvalidArgumentError("field '" + k + "' must be " +
                                    kNames[static_cast<int>(f->type)]);
      }
    }
    for (const auto& f : fields) {
      if (f.required && !j.contains(f.name)) {
        return InvalidArgumentError("field '" + std::string(f.name) + "' is required");
      }
    }
    return Body(std::move(j));
  }

  bool Has(std::string_view name) const { return j_.contains(name); }
  std::string Str(std::string_view name) const {
    return j_.contains(name) ? j_[std::string(name)].get<std::string>() : std::string();
  }
  std::optional<std::string> OptStr(std::string_view name) const {
    if (!j_.contains(name)) return std::nullopt;
    return j_[std::string(name)].get<std::string>();
  }
  bool Bool(std::string_view name) const {
    return j_.contains(name) && j_[std::string(name)].get<bool>();
  }
  // A secret string field, moved into SecretBytes and wiped in the parsed document.
  SecretBytes Secret(std::string_view name) {
    if (!j_.contains(name)) return SecretBytes();
    auto& s = j_[std::string(name)].get_ref<std::string&>();
    SecretBytes out = SecretBytes::Copy(s);
    std::fill(s.begin(), s.end(), '\0');
    return out;
  }
  const json& Get(std::string_view name) const { return j_[std::string(name)]; }

 private:
  explicit Body(json j) : j_(std::move(j)) {}
  json j_;
};

inline HttpResponse BodyError(const Status& s) {
  if (s.code() == StatusCode::kFailedPrecondition) {
    return HttpResponse::Problem(415, "unsupported-media-type", "Unsupported media type",
                                 "send Content-Type: application/json");
  }
  return BadRequest(s.message());
}

// ---- JSON views (never a secret) ----

inline std::string Time(base::TimePoint t) { return base::FormatRfc3339(t); }
inline json OptTime(const std::optional<base::TimePoint>& t) {
  return t ? json(Time(*t)) : json(nullptr);
}

// ---- paging ----

struct Page {
  int limit = 50;
  int64_t offset = 0;
};

inline StatusOr<Page> PageOf(const HttpRequest& req) {
  Page p;
  auto q = req.QueryParams();
  auto num = [](const std::string& s, int64_t max) -> std::optional<int64_t> {
    if (s.empty() || s.size() > 12) return std::nullopt;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
  };
  if (q.count("limit")) {
    auto v = num(q["limit"], 100);
    if (!v || *v < 1) return InvalidArgumentError("limit is 1..100");
    p.limit = static_cast<int>(*v);
  }
  if (q.count("offset")) {
    auto v = num(q["offset"], 1'000'000'000'000);
    if (!v) return InvalidArgumentError("offset is a non-negative integer");
    p.offset = *v;
  }
  return p;
}

// Lists fetch limit + 1 rows to know whether there is a next page.
template <typename T, typename F>
json PageJson(std::vector<T> rows, const Page& p, F to_json) {
  bool more = rows.size() > static_cast<size_t>(p.limit);
  if (more) rows.resize(static_cast<size_t>(p.limit));
  json items = json::array();
  for (const auto& r : rows) items.push_back(to_json(r));
  return {{"items", items}, {"next_offset", more ? json(p.offset + p.limit) : json(nullptr)}};
}

// ---- routing ----

struct Context {
  const HttpRequest& req;
  std::vector<std::string> params;  // the {..} segments, in order
  std::optional<identity::Authenticated> who;
};

using RouteHandler = std::function<HttpResponse(Context&)>;

inline HttpResponse Fail(const Status& s) { return HttpResponse::FromStatus(s); }

// The authenticated account (only in handlers of routes added with auth = true).
inline const std::string& Actor(const Context& c) { return c.who->account.id; }

class RouteTable {
 public:
  virtual ~RouteTable() = default;
  // `pattern` is relative to /api/v1, with {name} for a parameter segment. `auth`: the caller
  // must send a session token (Context::who is set). `idempotent`: an Idempotency-Key header is
  // honoured. `max_body`: the largest request body taken (JSON routes keep kMaxJsonBody).
  virtual void Add(std::string method, const std::string& pattern, bool auth, bool idempotent,
                   RouteHandler handler, size_t max_body = kMaxJsonBody) = 0;
};

}  // namespace hetong::api::v1
