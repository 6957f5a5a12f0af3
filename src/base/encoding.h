// Text encodings of bytes: hex (RFC 4648 §8, lowercase out, either case in), base64
// (RFC 4648 §4, and the URL-safe alphabet of §5 without padding), and PEM (RFC 7468).
//
// Decoders are strict: they reject characters outside the alphabet, bad padding and (for
// base64) non-canonical trailing bits, and say so without echoing the input.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace hetong::base {

std::string HexEncode(ByteView data);
std::string HexEncodeUpper(ByteView data);
// Accepts upper or lower case; ignores nothing (no spaces, no "0x").
StatusOr<Bytes> HexDecode(std::string_view hex);

std::string Base64Encode(ByteView data);
// Standard alphabet with '=' padding. Whitespace (space, \t, \r, \n) is skipped.
StatusOr<Bytes> Base64Decode(std::string_view text);
std::string Base64UrlEncode(ByteView data);  // no padding
StatusOr<Bytes> Base64UrlDecode(std::string_view text);

struct PemBlock {
  std::string label;  // e.g. "CERTIFICATE", "PRIVATE KEY"
  Bytes der;
};

// "-----BEGIN <label>-----\n" + base64 in 64-column lines + "-----END <label>-----\n".
std::string PemEncode(std::string_view label, ByteView der);
// Every PEM block in `text`, in order (text between blocks is ignored, as RFC 7468 allows).
StatusOr<std::vector<PemBlock>> PemDecodeAll(std::string_view text);
// The first block whose label is `label`; NotFound when there is none.
StatusOr<Bytes> PemDecode(std::string_view text, std::string_view label);
// True when `data` looks like PEM text (starts, after whitespace, with "-----BEGIN ").
bool LooksLikePem(ByteView data);

// `s` without the spaces and tabs at either end (HTTP's optional whitespace, RFC 9110 §5.6.3).
std::string_view TrimSpaces(std::string_view s);

}  // namespace hetong::base
