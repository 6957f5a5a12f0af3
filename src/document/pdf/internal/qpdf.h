// The qpdf headers hetong uses, in an order every compiler accepts: QPDFObjectHandle.hh
// declares members of std::vector<JSON> with JSON only forward-declared, which clang with
// libstdc++ 12 rejects in C++20 unless JSON is complete first.
#pragma once

// clang-format off
#include <qpdf/JSON.hh>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>
// clang-format on
