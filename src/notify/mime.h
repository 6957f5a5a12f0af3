// Internet messages for the SMTP client: RFC 5322 headers (Date, From, To, Subject,
// Message-ID, MIME-Version) with RFC 2047 encoded-words ("=?UTF-8?B?...?=") for text that is
// not printable ASCII, and an RFC 2045 text/plain; charset=UTF-8 body in base64. Also the
// address checks that keep header injection out (no CR, LF or other control characters in
// addresses, names or subjects) and SMTP dot-stuffing (RFC 5321 §4.5.2).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace hetong::notify {

// A mailbox for MAIL FROM / RCPT TO and the From/To headers: local@domain, printable ASCII
// without spaces, quotes, angle brackets or control characters, at most 254 characters.
// (Internationalised addresses, RFC 6531, are not supported.) InvalidArgument otherwise.
Status CheckAddress(std::string_view address);
// Subjects and display names: valid UTF-8 without control characters, at most 900 bytes.
Status CheckHeaderText(std::string_view text, std::string_view what);

// The text as is when it is printable ASCII, else RFC 2047 encoded-words of at most 75
// characters each (split between UTF-8 characters), folded with CRLF SP.
std::string EncodeHeaderText(std::string_view text);

struct MailContent {
  std::string from;       // address
  std::string from_name;  // optional display name
  std::string to;         // address
  std::string subject;
  std::string body;  // UTF-8 plain text; line ends normalised to CRLF
};

// The whole message (headers, blank line, base64 body), CRLF line ends, without
// dot-stuffing or the final ".". `message_id` is "<...@...>".
StatusOr<std::string> BuildMessage(const MailContent& mail, base::TimePoint date,
                                   const std::string& message_id);

// "Thu, 26 Nov 2026 15:54:10 +0000".
std::string FormatMailDate(base::TimePoint t);

// DATA payload: bare CR and LF become CRLF, a "." is added before every line that starts
// with "."; a final CRLF is ensured and the terminating ".CRLF" appended.
std::string DotStuff(std::string_view message);

}  // namespace hetong::notify
