#include "notify/mime.h"

#include <ctime>

#include "base/bytes.h"
#include "base/encoding.h"

namespace hetong::notify {

namespace {

bool PrintableAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Length of the UTF-8 sequence starting with `c`, 0 if `c` cannot start one.
size_t Utf8Length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0 && c >= 0xc2) return 2;
  if ((c & 0xf0) == 0xe0) return 3;
  if ((c & 0xf8) == 0xf0 && c <= 0xf4) return 4;
  return 0;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Length(static_cast<unsigned char>(s[i]));
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string Base64Lines(std::string_view text) {
  std::string b64 = base::Base64Encode(AsBytes(text));
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) {
    out += b64.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

std::string NormaliseLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Mailbox(const std::string& name, const std::string& address) {
  if (name.empty()) return address;
  if (PrintableAscii(name)) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\" <" + address + ">";
  }
  return EncodeHeaderText(name) + " <" + address + ">";
}

}  // namespace

Status CheckAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) {
    return InvalidArgumentError("an email address has 1 to 254 characters");
  }
  for (unsigned char c : address) {
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == ':' || c == '\\' || c == '[' || c == ']') {
      return InvalidArgumentError(
          "an email address has no spaces, control characters or special characters");
    }
  }
  size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return InvalidArgumentError("an email address is local-part@domain");
  }
  return OkStatus();
}

Status CheckHeaderText(std::string_view text, std::string_view what) {
  if (text.size() > 900) return InvalidArgumentError(std::string(what) + " is too long");
  if (!ValidUtf8(text)) return InvalidArgumentError(std::string(what) + " is not valid UTF-8");
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgumentError(std::string(what) + " must not contain control characters");
    }
  }
  return OkStatus();
}

std::string EncodeHeaderText(std::string_view text) {
  if (PrintableAscii(text) && text.find("=?") == std::string_view::npos) return std::string(text);
  // 75 characters per word: "=?UTF-8?B?" + 60 base64 characters (45 bytes) + "?=" = 72.
  constexpr size_t kMaxChunk = 45;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size()) {
      size_t n = Utf8Length(static_cast<unsigned char>(text[end]));
      if (n == 0) n = 1;  // not reached for checked text; never split inside a byte
      if (end + n - i > kMaxChunk) break;
      end += n;
    }
    if (end == i) end = std::min(text.size(), i + kMaxChunk);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base::Base64Encode(AsBytes(text.substr(i, end - i))) + "?=";
    i = end;
  }
  return out;
}

std::string FormatMailDate(base::TimePoint t) {
  std::time_t tt = static_cast<std::time_t>(base::ToUnixSeconds(t));
  std::tm tm{};
  gmtime_r(&tt, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

StatusOr<std::string> BuildMessage(const MailContent& mail, base::TimePoint date,
                                   const std::string& message_id) {
  HETONG_RETURN_IF_ERROR(CheckAddress(mail.from));
  HETONG_RETURN_IF_ERROR(CheckAddress(mail.to));
  HETONG_RETURN_IF_ERROR(CheckHeaderText(mail.from_name, "the sender's name"));
  HETONG_RETURN_IF_ERROR(CheckHeaderText(mail.subject, "the subject"));
  if (!ValidUtf8(mail.body)) return InvalidArgumentError("the body is not valid UTF-8");
  if (!PrintableAscii(message_id) || message_id.size() > 200) {
    return InvalidArgumentError("bad Message-ID");
  }
  std::string m;
  m += "Date: " + FormatMailDate(date) + "\r\n";
  m += "From: " + Mailbox(mail.from_name, mail.from) + "\r\n";
  m += "To: " + mail.to + "\r\n";
  m += "Subject: " + EncodeHeaderText(mail.subject) + "\r\n";
  m += "Message-ID: " + message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += "\r\n";
  m += Base64Lines(NormaliseLineEnds(mail.body));
  return m;
}

std::string DotStuff(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  // Bare CR or LF become CRLF: a lone LF before "." must not end the data at a server that
  // accepts it as a line end (SMTP smuggling).
  for (char c : NormaliseLineEnds(message)) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace hetong::notify
