#include "evidence/event.h"

#include "evidence/internal/json.h"

namespace hetong::evidence {

namespace {

constexpr std::string_view kLeafLabel = "hetong-evidence-event";

void AppendStr(Bytes& out, std::string_view s) {
  AppendU32Be(out, static_cast<uint32_t>(s.size()));
  Append(out, AsBytes(s));
}

// Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF) without
// control characters.
bool PlainText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
    if (len == 0 || c > 0xf4 || c == 0xc0 || c == 0xc1 || i + len > s.size()) return false;
    uint32_t cp = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

}  // namespace

int64_t ToUnixMillis(base::TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

base::TimePoint FromUnixMillis(int64_t ms) {
  return base::TimePoint(
      std::chrono::duration_cast<base::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

StatusOr<std::string> CanonicalJsonObject(std::string_view json) {
  try {
    auto j = internal::ParseJson(json);
    if (!j) return InvalidArgumentError("the event details are not valid JSON");
    if (!j->is_object()) return InvalidArgumentError("the event details must be a JSON object");
    return j->dump();
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError("the event details are not valid JSON (UTF-8)");
  }
}

StatusOr<Event> NormalizeEvent(const Event& e) {
  if (e.type.empty() || e.type.size() > 64) {
    return InvalidArgumentError("the event type must have 1 to 64 characters");
  }
  for (char c : e.type) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return InvalidArgumentError("the event type may contain only a-z, 0-9, '.', '_', '-'");
  }
  for (auto [name, value] : {std::pair{"subject", &e.subject}, std::pair{"actor", &e.actor}}) {
    if (value->empty() || value->size() > 128 || !PlainText(*value)) {
      return InvalidArgumentError(std::string("the event ") + name +
                                  " must have 1 to 128 bytes and no control characters");
    }
  }
  Event out = e;
  out.at = FromUnixMillis(ToUnixMillis(e.at));
  HETONG_ASSIGN_OR_RETURN(out.details, CanonicalJsonObject(e.details.empty() ? "{}" : e.details));
  if (out.details.size() > kMaxDetailsSize) {
    return InvalidArgumentError("the event details exceed 16 KiB");
  }
  return out;
}

Bytes EncodeLeaf(const Event& e, int64_t previous) {
  Bytes out;
  Append(out, AsBytes(kLeafLabel));
  out.push_back(0x00);
  out.push_back(kLeafVersion);
  AppendStr(out, e.type);
  AppendStr(out, e.subject);
  AppendStr(out, e.actor);
  AppendU64Be(out, static_cast<uint64_t>(ToUnixMillis(e.at)));
  AppendU64Be(out, static_cast<uint64_t>(previous));
  AppendStr(out, e.details);
  return out;
}

}  // namespace hetong::evidence
