#include "api/health.h"

#include <nlohmann/json.hpp>

namespace hetong::api {

void Health::Register(std::string name, std::function<Status()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

HttpResponse Health::Check() const {
  nlohmann::json checks = nlohmann::json::object();
  bool ok = true;
  for (const auto& [name, fn] : checks_) {
    Status s = fn();
    if (s.ok()) {
      checks[name] = {{"status", "ok"}};
    } else {
      ok = false;
      checks[name] = {{"status", "failing"}, {"detail", s.message()}};
    }
  }
  nlohmann::json body = {{"status", ok ? "ok" : "failing"}, {"checks", checks}};
  HttpResponse r = HttpResponse::Json(ok ? 200 : 503, body.dump());
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace hetong::api
