#include "notify/smtp.h"

#include <algorithm>
#include <cctype>

#include "base/bytes.h"
#include "base/encoding.h"
#include "crypto/random.h"
#include "notify/internal/net.h"
#include "notify/mime.h"

namespace hetong::notify {

namespace {

constexpr size_t kMaxLine = 4096;
constexpr int kMaxReplyLines = 100;

struct Reply {
  int code = 0;
  std::string text;
  std::vector<std::string> lines;
};

// Server text in our errors and logs: printable ASCII only, bounded.
std::string Clean(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

StatusOr<Reply> ReadReply(internal::Connection& conn, std::chrono::milliseconds timeout) {
  Reply r;
  for (int i = 0; i < kMaxReplyLines; ++i) {
    HETONG_ASSIGN_OR_RETURN(std::string line, conn.ReadLine(kMaxLine, timeout));
    if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
        !std::isdigit(static_cast<unsigned char>(line[1])) ||
        !std::isdigit(static_cast<unsigned char>(line[2])) ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
      return UnavailableError("the SMTP server sent a malformed reply: " + Clean(line));
    }
    int code = std::stoi(line.substr(0, 3));
    if (i > 0 && code != r.code) {
      return UnavailableError("the SMTP server sent a malformed multi-line reply");
    }
    r.code = code;
    std::string text = line.size() > 4 ? line.substr(4) : "";
    r.lines.push_back(text);
    if (!r.text.empty()) r.text += " ";
    r.text += text;
    if (line.size() == 3 || line[3] == ' ') return r;
  }
  return UnavailableError("the SMTP server sent an overlong reply");
}

Status ReplyError(std::string_view step, const Reply& r, bool message_step) {
  std::string msg = "the SMTP server answered " + std::to_string(r.code) + " to " +
                    std::string(step) + ": " + Clean(r.text);
  if (message_step && r.code >= 500) return FailedPreconditionError(msg);
  return UnavailableError(msg);
}

class Session {
 public:
  explicit Session(const SmtpOptions& o) : o_(o) {}

  Status Open() {
    HETONG_RETURN_IF_ERROR(
        conn_.Connect(o_.host, std::to_string(o_.port), o_.timeout, /*allow_private=*/true)
            .WithContext("SMTP"));
    if (o_.tls == SmtpTls::kImplicit) {
      HETONG_RETURN_IF_ERROR(conn_.StartTls(o_.host, o_.ca_file, o_.timeout).WithContext("SMTP"));
    }
    HETONG_RETURN_IF_ERROR(Expect("the greeting", {220}, false));
    HETONG_RETURN_IF_ERROR(Ehlo());
    if (o_.tls == SmtpTls::kStartTls) {
      if (!HasCapability("STARTTLS")) {
        return UnavailableError(
            "the SMTP server " + o_.host +
            " does not offer STARTTLS; set smtp.tls = none only for a relay you trust");
      }
      HETONG_RETURN_IF_ERROR(Command("STARTTLS", "STARTTLS", {220}, false));
      HETONG_RETURN_IF_ERROR(conn_.StartTls(o_.host, o_.ca_file, o_.timeout).WithContext("SMTP"));
      HETONG_RETURN_IF_ERROR(Ehlo());
    }
    return OkStatus();
  }

  Status Login(const std::string& username, const SecretBytes& password) {
    if (!conn_.tls() && !conn_.peer_is_loopback()) {
      return UnavailableError(
          "refusing to send the SMTP password without TLS to a server that is not on this "
          "host; set smtp.tls = starttls or implicit");
    }
    std::string pw(password.RevealString(SecretAccess::Unsafe()));
    Status s;
    if (HasAuth("PLAIN")) {
      std::string cred = std::string(1, '\0') + username + std::string(1, '\0') + pw;
      std::string line = "AUTH PLAIN " + base::Base64Encode(AsBytes(cred)) + "\r\n";
      s = Secret(line, "AUTH PLAIN", {235});
      std::fill(cred.begin(), cred.end(), '\0');
      std::fill(line.begin(), line.end(), '\0');
    } else if (HasAuth("LOGIN")) {
      s = Command("AUTH LOGIN", "AUTH LOGIN", {334}, false);
      if (s.ok()) {
        s = Command(base::Base64Encode(AsBytes(username)), "AUTH LOGIN (username)", {334}, false);
      }
      if (s.ok()) {
        std::string line = base::Base64Encode(AsBytes(pw)) + "\r\n";
        s = Secret(line, "AUTH LOGIN (password)", {235});
        std::fill(line.begin(), line.end(), '\0');
      }
    } else {
      s = UnavailableError("the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN");
    }
    std::fill(pw.begin(), pw.end(), '\0');
    return s;
  }

  Status Transaction(const std::string& from, const std::vector<std::string>& recipients,
                     const std::string& data) {
    HETONG_RETURN_IF_ERROR(Command("MAIL FROM:<" + from + ">", "MAIL FROM", {250}, true));
    for (const auto& to : recipients) {
      HETONG_RETURN_IF_ERROR(Command("RCPT TO:<" + to + ">", "RCPT TO", {250, 251}, true));
    }
    HETONG_RETURN_IF_ERROR(Command("DATA", "DATA", {354}, true));
    HETONG_RETURN_IF_ERROR(conn_.Write(DotStuff(data), o_.timeout).WithContext("SMTP data"));
    return Expect("the end of the data", {250}, true);
  }

  void Quit() {
    if (conn_.Write("QUIT\r\n", o_.timeout).ok()) (void)ReadReply(conn_, o_.timeout);
    conn_.Close();
  }

 private:
  Status Ehlo() {
    HETONG_RETURN_IF_ERROR(conn_.Write("EHLO " + o_.helo + "\r\n", o_.timeout).WithContext("SMTP"));
    auto r = ReadReply(conn_, o_.timeout);
    if (!r.ok()) return r.status().WithContext("SMTP, waiting for the answer to EHLO");
    if (r->code != 250) return ReplyError("EHLO", *r, false);
    capabilities_.clear();
    for (size_t i = 1; i < r->lines.size(); ++i) {
      std::string cap = r->lines[i];
      std::transform(cap.begin(), cap.end(), cap.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      capabilities_.push_back(cap);
    }
    return OkStatus();
  }

  bool HasCapability(std::string_view name) const {
    return std::any_of(capabilities_.begin(), capabilities_.end(), [&](const std::string& c) {
      return c == name || c.rfind(std::string(name) + " ", 0) == 0;
    });
  }

  bool HasAuth(std::string_view mechanism) const {
    for (const auto& c : capabilities_) {
      if (c.rfind("AUTH ", 0) != 0 && c.rfind("AUTH=", 0) != 0) continue;
      std::string rest = " " + c.substr(5) + " ";
      if (rest.find(" " + std::string(mechanism) + " ") != std::string::npos) return true;
    }
    return false;
  }

  Status Expect(std::string_view step, std::initializer_list<int> ok, bool message_step) {
    auto r = ReadReply(conn_, o_.timeout);
    if (!r.ok())
      return r.status().WithContext("SMTP, waiting for the answer to " + std::string(step));
    if (std::find(ok.begin(), ok.end(), r->code) == ok.end()) {
      return ReplyError(step, *r, message_step);
    }
    return OkStatus();
  }

  Status Command(const std::string& line, std::string_view step, std::initializer_list<int> ok,
                 bool message_step) {
    HETONG_RETURN_IF_ERROR(
        conn_.Write(line + "\r\n", o_.timeout).WithContext("SMTP " + std::string(step)));
    return Expect(step, ok, message_step);
  }

  // A command carrying the password: never part of an error message.
  Status Secret(const std::string& line, std::string_view step, std::initializer_list<int> ok) {
    HETONG_RETURN_IF_ERROR(conn_.Write(line, o_.timeout).WithContext("SMTP " + std::string(step)));
    return Expect(step, ok, false);
  }

  const SmtpOptions& o_;
  internal::Connection conn_;
  std::vector<std::string> capabilities_;
};

}  // namespace

bool IsPermanentFailure(const Status& s) {
  return s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument ||
         s.code() == StatusCode::kPermissionDenied;
}

StatusOr<SmtpOptions> SmtpOptions::FromConfig(const base::Config& config, SecretBytes* password) {
  SmtpOptions o;
  auto host = config.Get("smtp.host");
  if (!host || host->empty()) return NotFoundError("smtp.host is not set");
  o.host = *host;
  std::string tls = config.GetOr("smtp.tls", "starttls");
  if (tls == "none") {
    o.tls = SmtpTls::kNone;
  } else if (tls == "starttls") {
    o.tls = SmtpTls::kStartTls;
  } else if (tls == "implicit") {
    o.tls = SmtpTls::kImplicit;
  } else {
    return InvalidArgumentError("smtp.tls is none, starttls or implicit");
  }
  HETONG_ASSIGN_OR_RETURN(int64_t port,
                          config.GetInt("smtp.port", o.tls == SmtpTls::kImplicit ? 465 : 587));
  if (port < 1 || port > 65535) return InvalidArgumentError("smtp.port is 1 to 65535");
  o.port = static_cast<uint16_t>(port);
  o.ca_file = config.GetOr("smtp.ca_file", "");
  o.helo = config.GetOr("smtp.helo", "localhost");
  for (char c : o.helo) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '[' &&
        c != ']' && c != ':') {
      return InvalidArgumentError("smtp.helo is a host name or an address literal");
    }
  }
  o.username = config.GetOr("smtp.username", "");
  if (o.username.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
    return InvalidArgumentError("smtp.username has control characters");
  }
  o.from = config.GetOr("smtp.from", "");
  if (!CheckAddress(o.from).ok()) return InvalidArgumentError("smtp.from is an email address");
  o.from_name = config.GetOr("smtp.from_name", "");
  if (!CheckHeaderText(o.from_name, "smtp.from_name").ok()) {
    return InvalidArgumentError("smtp.from_name has control characters or is not UTF-8");
  }
  HETONG_ASSIGN_OR_RETURN(int64_t seconds, config.GetInt("smtp.timeout_seconds", 30));
  if (seconds < 1 || seconds > 600) return InvalidArgumentError("smtp.timeout_seconds is 1 to 600");
  o.timeout = std::chrono::seconds(seconds);
  if (password) *password = SecretBytes::Copy(config.GetOr("smtp.password", ""));
  return o;
}

SmtpClient::SmtpClient(SmtpOptions options, SecretBytes password, const base::Clock& clock,
                       Rng& rng)
    : options_(std::move(options)), password_(std::move(password)), clock_(clock), rng_(rng) {}

Status SmtpClient::Send(const std::string& to, const std::string& subject,
                        const std::string& body) {
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 16));
  std::string domain = options_.from.substr(options_.from.find('@') + 1);
  std::string message_id = "<" + base::HexEncode(r) + "@" + domain + ">";
  MailContent mail{options_.from, options_.from_name, to, subject, body};
  HETONG_ASSIGN_OR_RETURN(std::string data, BuildMessage(mail, clock_.Now(), message_id));
  Status s = SendRaw(options_.from, {to}, data);
  std::fill(data.begin(), data.end(), '\0');
  return s;
}

Status SmtpClient::SendRaw(const std::string& from, const std::vector<std::string>& recipients,
                           const std::string& data) {
  HETONG_RETURN_IF_ERROR(CheckAddress(from));
  if (recipients.empty()) return InvalidArgumentError("no recipient");
  for (const auto& to : recipients) HETONG_RETURN_IF_ERROR(CheckAddress(to));
  if (options_.host.empty()) return FailedPreconditionError("no SMTP server is configured");
  Session session(options_);
  HETONG_RETURN_IF_ERROR(session.Open());
  if (!options_.username.empty()) {
    HETONG_RETURN_IF_ERROR(session.Login(options_.username, password_));
  }
  Status s = session.Transaction(from, recipients, data);
  session.Quit();
  return s;
}

}  // namespace hetong::notify
