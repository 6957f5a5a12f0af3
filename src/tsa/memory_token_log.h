// An in-memory TokenLog for tests and benchmarks of the TSA (the instance uses
// store::SqlTokenLog). Can be told to fail, to test the TSA's reaction to a full disk.
#pragma once

#include <map>
#include <mutex>

#include "tsa/authority.h"

namespace hetong::tsa::testing {

class MemoryTokenLog final : public TokenLog {
 public:
  StatusOr<int64_t> ReserveSerials(int64_t count) override {
    std::lock_guard<std::mutex> lock(mu);
    int64_t first = next;
    next += count;
    return first;
  }
  Status Append(const std::vector<TokenRecord>& records) override {
    std::lock_guard<std::mutex> lock(mu);
    ++appends;
    if (fail) return UnavailableError("disk full");
    for (const auto& r : records) log[r.serial] = r;
    return OkStatus();
  }
  StatusOr<std::optional<base::TimePoint>> LastGenTime() override {
    std::lock_guard<std::mutex> lock(mu);
    if (log.empty()) return std::optional<base::TimePoint>();
    base::TimePoint t{};
    for (const auto& [s, r] : log) t = std::max(t, r.gen_time);
    return std::optional<base::TimePoint>(t);
  }
  StatusOr<std::optional<TokenRecord>> Find(int64_t serial) override {
    std::lock_guard<std::mutex> lock(mu);
    auto it = log.find(serial);
    if (it == log.end()) return std::optional<TokenRecord>();
    return std::optional<TokenRecord>(it->second);
  }
  std::mutex mu;
  int64_t next = 1;
  int appends = 0;
  bool fail = false;
  std::map<int64_t, TokenRecord> log;
};

}  // namespace hetong::tsa::testing
