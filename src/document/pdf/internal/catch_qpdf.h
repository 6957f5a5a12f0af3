// Implementation of CatchQpdf (document-internal).
#pragma once

#include <exception>
#include <string>

#include "base/status.h"

namespace hetong::document::pdf {

namespace internal {
Status QpdfError(std::string_view what, const char* detail);
}  // namespace internal

template <typename Fn>
auto CatchQpdf(Fn&& fn, std::string_view what) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return internal::QpdfError(what, e.what());
  } catch (...) {
    return internal::QpdfError(what, "unknown error");
  }
}

}  // namespace hetong::document::pdf
