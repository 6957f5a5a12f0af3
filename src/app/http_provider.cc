#include "app/http_provider.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "server/http_client.h"

namespace hetong::app {

StatusOr<identity::VerificationProvider::Outcome> HttpVerificationProvider::Check(
    const identity::Account& account, const SecretBytes& id_number,
    const std::map<std::string, std::string>& material) {
  nlohmann::json req = {{"api_key", api_key_},
                        {"account_id", account.id},
                        {"kind", std::string(identity::KindName(account.kind))},
                        {"name", account.name},
                        {"id_number", std::string(id_number.RevealString(SecretAccess::Unsafe()))},
                        {"mobile", account.mobile},
                        {"material", material}};
  std::string body = req.dump();
  server::HttpClient client;
  auto answer = client.Post(url_, "application/json", AsBytes(body));
  std::fill(body.begin(), body.end(), '\0');
  if (!answer.ok()) {
    return UnavailableError("the verification provider '" + name_ +
                            "' did not answer; try again later");
  }
  nlohmann::json j = nlohmann::json::parse(answer->begin(), answer->end(), nullptr, false);
  if (!j.is_object() || !j.contains("state") || !j["state"].is_string()) {
    return UnavailableError("the verification provider '" + name_ + "' gave an unreadable answer");
  }
  std::string state = j["state"];
  if (state != "approved" && state != "rejected" && state != "pending") {
    return UnavailableError("the verification provider '" + name_ + "' answered state '" + state +
                            "'");
  }
  std::string reason =
      j.contains("reason") && j["reason"].is_string() ? j["reason"].get<std::string>() : "";
  if (reason.size() > 500) reason.resize(500);
  return Outcome{state, name_ + ": " + reason, ""};
}

}  // namespace hetong::app
