// Logging on spdlog: one process-wide logger, text or JSON lines, to stderr or a file.
//
// Redaction rule: secret types cannot be logged. SecretBytes (and everything built on it:
// keys, shares, passwords) has no fmt formatter and no operator<<, so passing one to a log
// call does not compile; log_test.cc asserts this. Keys are logged by id, algorithm and
// SPKI fingerprint only. `Redacted(x)` prints a fixed marker for values that must be
// mentioned but not shown (e.g. an Authorization header).
//
// Thread-safety: InitLogging once at start-up; logging itself is thread-safe.
#pragma once

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "base/status.h"

namespace hetong::base {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, off
  bool json = false;           // one JSON object per line
  std::string file;            // empty: stderr
};

Status InitLogging(const LogOptions& options);

// A value shown as "[redacted]" whatever it holds.
struct Redacted {
  explicit Redacted(std::string_view) {}
};

// Escapes a string for inclusion in a JSON log line.
std::string JsonEscape(std::string_view s);

}  // namespace hetong::base

template <>
struct fmt::formatter<hetong::base::Redacted> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const hetong::base::Redacted&, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format("[redacted]", ctx);
  }
};
