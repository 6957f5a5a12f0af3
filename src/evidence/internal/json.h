// Parsing JSON from outside (packages, tree heads, proofs) with a nesting limit, checked
// before nlohmann-json sees the text: deep nesting would exhaust the stack.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace hetong::evidence::internal {

// The parsed value, or nullopt for text that is not JSON or nests deeper than `max_depth`.
inline std::optional<nlohmann::json> ParseJson(std::string_view text, int max_depth = 32) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return std::nullopt;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace hetong::evidence::internal
