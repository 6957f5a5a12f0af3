// Entry names, roles and size caps of evidence packages, shared by the builder and the
// verifier (docs/formats/evidence.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hetong::evidence::internal {

inline constexpr std::string_view kPackageFormat = "hetong-evidence-package";
inline constexpr std::string_view kManifest = "manifest.json";
inline constexpr std::string_view kEvents = "events.json";
inline constexpr std::string_view kTreeHead = "sth.json";
inline constexpr std::string_view kTreeHeadSignature = "sth.sig";
inline constexpr std::string_view kTreeHeadTimestamp = "sth.tst";
inline constexpr std::string_view kLogCertificates = "certificates/log.pem";
inline constexpr std::string_view kTsaCertificates = "certificates/tsa.pem";
inline constexpr std::string_view kRootCertificates = "certificates/roots.pem";
inline constexpr std::string_view kDocumentDir = "document/";

inline constexpr uint64_t kMaxPackageSize = uint64_t{512} << 20;
inline constexpr uint64_t kMaxDocumentSize = uint64_t{256} << 20;
inline constexpr uint64_t kMaxEventsSize = uint64_t{64} << 20;
inline constexpr uint64_t kMaxOtherSize = uint64_t{4} << 20;

inline uint64_t MaxEntrySize(const std::string& name) {
  if (name.starts_with(kDocumentDir)) return kMaxDocumentSize;
  if (name == kEvents) return kMaxEventsSize;
  return kMaxOtherSize;
}

inline bool SafeDocumentName(std::string_view name) {
  if (name.empty() || name.size() > 100 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace hetong::evidence::internal
