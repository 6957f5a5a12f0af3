// Health checks behind GET /healthz: components register named checks (the database, the
// TSA clock guard, ...); the endpoint answers 200 when all pass and 503 naming the failures,
// so that an operator or a load balancer sees why an instance is not serving.
//
// Thread-safety: register before serving; Check may run concurrently.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/http.h"
#include "base/status.h"

namespace hetong::api {

class Health {
 public:
  void Register(std::string name, std::function<Status()> check);
  HttpResponse Check() const;

 private:
  std::vector<std::pair<std::string, std::function<Status()>>> checks_;
};

}  // namespace hetong::api
