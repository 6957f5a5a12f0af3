// A real-name verification provider behind an HTTP service (report §5.3.1.3: ID + name against
// the public-security database, + mobile, + bank card, face, company registry, a small
// payment): the operator's adapter, configured in hetong.conf
//
//   [identity]
//   http_provider = idcheck                      # its name in the API (provider: "idcheck")
//   http_provider_url = http://127.0.0.1:9000/verify
//   http_provider_key = <credential>             # sent as api_key; keep hetong.conf 0600
//
// For each submission hetong POSTs application/json
//   {"api_key", "account_id", "kind": "person"|"org", "name", "id_number", "mobile",
//    "material": {...}}
// and expects {"state": "approved"|"rejected"|"pending", "reason": "..."}. Anything else, or
// no answer within 10 seconds, is an error and the submission is not stored. docs/api.md has
// the details. Plain http:// only (hetong's HTTP client): run the adapter on the same host or
// the operator's private network.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <string>

#include "identity/service.h"

namespace hetong::app {

class HttpVerificationProvider final : public identity::VerificationProvider {
 public:
  HttpVerificationProvider(std::string name, std::string url, std::string api_key)
      : name_(std::move(name)), url_(std::move(url)), api_key_(std::move(api_key)) {}
  std::string name() const override { return name_; }
  StatusOr<Outcome> Check(const identity::Account& account, const SecretBytes& id_number,
                          const std::map<std::string, std::string>& material) override;

 private:
  std::string name_, url_, api_key_;
};

}  // namespace hetong::app
