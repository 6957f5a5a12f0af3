// The OpenAPI document matches the routes, and /metrics renders the Prometheus text format.
// The behaviour of the routes is tested against a running `hetong serve`
// (tests/interop/api_test.cc).

#include "api/v1.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace hetong::api {
namespace {

TEST(OpenApiTest, DocumentAndRoutesAgree) {
  nlohmann::json doc = nlohmann::json::parse(OpenApiDocument(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "src/api/openapi.json is not valid JSON";
  EXPECT_EQ(doc["openapi"], "3.1.0");
  ASSERT_EQ(doc["servers"][0]["url"], "/api/v1");
  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(m + " /api/v1" + path);
      EXPECT_TRUE(op.contains("summary")) << m << " " << path;
      EXPECT_TRUE(op.contains("responses") && !op["responses"].empty()) << m << " " << path;
      // Every {param} of the path is declared.
      size_t pos = 0;
      while ((pos = path.find('{', pos)) != std::string::npos) {
        std::string name = path.substr(pos + 1, path.find('}', pos) - pos - 1);
        bool declared = false;
        for (const auto& p : op.value("parameters", nlohmann::json::array())) {
          declared = declared || (p.value("in", "") == "path" && p.value("name", "") == name);
        }
        EXPECT_TRUE(declared) << m << " " << path << ": {" << name << "}";
        ++pos;
      }
    }
  }
  std::set<std::string> routes;
  for (const auto& r : V1RoutePatterns()) routes.insert(r);
  for (const auto& r : routes) EXPECT_TRUE(documented.count(r)) << "undocumented route: " << r;
  for (const auto& d : documented) EXPECT_TRUE(routes.count(d)) << "documented, no route: " << d;
  EXPECT_GE(routes.size(), 25u);
}

TEST(MetricsTest, RendersCountersAndHistograms) {
  Metrics m;
  m.Observe("/api/v1/me", "GET", 200, 0.002);
  m.Observe("/api/v1/me", "GET", 200, 0.2);
  m.Observe("/healthz", "GET", 200, 0.0001);
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE hetong_http_requests_total counter"), std::string::npos);
  EXPECT_NE(
      text.find("hetong_http_requests_total{route=\"/api/v1/me\",method=\"GET\",status=\"200\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("hetong_http_request_duration_seconds_bucket{route=\"/api/v1/me\","
                      "method=\"GET\",status=\"200\",le=\"0.005\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("le=\"+Inf\"} 2"), std::string::npos);
}

}  // namespace
}  // namespace hetong::api
