// Evidence events and their leaf encoding (docs/formats/evidence.md, "Event leaf"): what the
// evidence log appends, and the versioned byte string whose RFC 9162 leaf hash goes into the
// tree. A verifier recomputes the leaf hash from an event's fields with EncodeLeaf.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/status.h"

namespace hetong::evidence {

inline constexpr uint8_t kLeafVersion = 1;
inline constexpr size_t kMaxDetailsSize = 16 * 1024;

struct Event {
  std::string type;     // "contract.signed": 1-64 of [a-z0-9._-]
  std::string subject;  // the contract or account the event is about
  std::string actor;    // account id, or "system"
  base::TimePoint at{};
  std::string details = "{}";  // a JSON object; canonicalised on append; never secrets
};

// An event as the log holds it.
struct LoggedEvent {
  uint64_t index = 0;
  Event event;            // normalised: `at` in whole milliseconds, `details` canonical
  int64_t previous = -1;  // index of the subject's previous event, -1 for its first
  Bytes leaf_hash;
};
using AppendedEvent = LoggedEvent;

// Checks the fields and returns the event as the log stores it: `at` truncated to
// milliseconds, `details` in canonical JSON. InvalidArgument names the bad field.
StatusOr<Event> NormalizeEvent(const Event& event);

// The canonical JSON text of a JSON object (sorted keys, no whitespace); InvalidArgument if
// `json` is not a JSON object.
StatusOr<std::string> CanonicalJsonObject(std::string_view json);

// Version-1 leaf data of a normalised event (the caller normalises first).
Bytes EncodeLeaf(const Event& event, int64_t previous);

int64_t ToUnixMillis(base::TimePoint t);
base::TimePoint FromUnixMillis(int64_t ms);

}  // namespace hetong::evidence
