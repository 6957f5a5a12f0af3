// Analysis of what an incremental update changed (document-internal to the verifier):
// which objects a revision defined, and whether each change is one that signing allows
// (new signatures and their widgets and appearances, a filled signature field, the
// AcroForm listing them, DSS validation data, document time-stamps) or a modification of
// the document (page content, other annotations, other objects).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "document/pdf/report.h"

namespace hetong::document::pdf {

// Changes made by the revision ending at `after_end` relative to the one ending at
// `before_end` (revision number `revision`, 1-based, for the report).
StatusOr<std::vector<Modification>> AnalyzeIncrement(const std::string& path, uint64_t before_end,
                                                     uint64_t after_end, int revision);

}  // namespace hetong::document::pdf
