// Config: the instance configuration file (hetong.conf), an INI dialect.
//
//   # comment            ; comment
//   [server]
//   listen = 127.0.0.1:8080
//   name = "quoted values keep # and leading spaces"
//
// Keys are addressed as "section.key" (keys before any section have no prefix). Values
// are strings; typed getters validate and say which key is wrong. Unknown keys are kept
// so that a newer file still loads; `Save` writes sections in a stable order.
//
// Thread-safety: a loaded Config is an immutable value; Set() is not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hetong::base {

class Config {
 public:
  static StatusOr<Config> Parse(std::string_view text);
  static StatusOr<Config> Load(const std::string& path);

  std::optional<std::string> Get(std::string_view key) const;
  std::string GetOr(std::string_view key, std::string_view fallback) const;
  StatusOr<int64_t> GetInt(std::string_view key, int64_t fallback) const;
  StatusOr<bool> GetBool(std::string_view key, bool fallback) const;
  bool Has(std::string_view key) const { return values_.contains(std::string(key)); }

  void Set(std::string_view key, std::string_view value);

  std::string Serialize() const;
  // Writes atomically with mode 0600.
  Status Save(const std::string& path) const;

  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace hetong::base
