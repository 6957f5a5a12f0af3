// Email by SMTP (RFC 5321): one connection per message to the operator's mail server
// (submission port 587 with STARTTLS, RFC 3207; implicit TLS on 465, RFC 8314; or plain on a
// trusted relay), EHLO, AUTH PLAIN or LOGIN (RFC 4954) when a username is configured, then
// MAIL FROM / RCPT TO / DATA with dot-stuffing and QUIT. The message is built by mime.h.
//
// Every step has a timeout. Errors carry the server's reply code and text (never the
// password). A 5xx answer to MAIL, RCPT or DATA is permanent (FailedPrecondition: retrying
// will not help); anything else (4xx, no answer, timeouts, TLS or login problems, which the
// operator can fix) is Unavailable or DeadlineExceeded, and the outbox worker retries it.
// The password is sent only over TLS, or in the clear to a server on a loopback address.
//
// Thread-safety: Send may be called concurrently (each call has its own connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/config.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"

namespace hetong::notify {

// Sends one plain-text email. Implementations: SmtpClient; fakes in tests.
class EmailSender {
 public:
  virtual ~EmailSender() = default;
  virtual Status Send(const std::string& to, const std::string& subject,
                      const std::string& body) = 0;
};

enum class SmtpTls {
  kNone,      // plain TCP (a relay on the same host or a trusted network)
  kStartTls,  // plain, then STARTTLS, which the server must offer (no silent downgrade)
  kImplicit,  // TLS from the first byte (port 465)
};

struct SmtpOptions {
  std::string host;
  uint16_t port = 587;
  SmtpTls tls = SmtpTls::kStartTls;
  std::string ca_file;  // PEM trust anchors for the server's certificate; empty: the system's
  std::string helo = "localhost";             // the name given in EHLO
  std::string username;                       // AUTH when not empty
  std::string from;                           // envelope sender and From header
  std::string from_name;                      // display name in From
  std::chrono::milliseconds timeout{30'000};  // each step (connect, each reply, the data)

  // Reads smtp.* (docs/formats/config.md). NotFound when smtp.host is not set (no email);
  // InvalidArgument naming the key for a bad value. The password goes to `password`.
  static StatusOr<SmtpOptions> FromConfig(const base::Config& config, SecretBytes* password);
};

// True for errors that retrying will not fix (see the paragraph at the top).
bool IsPermanentFailure(const Status& s);

class SmtpClient final : public EmailSender {
 public:
  SmtpClient(SmtpOptions options, SecretBytes password, const base::Clock& clock, Rng& rng);

  Status Send(const std::string& to, const std::string& subject, const std::string& body) override;
  // Sends a ready message (`data` is the message without dot-stuffing; line ends are
  // normalised to CRLF) from `from` to `recipients`.
  Status SendRaw(const std::string& from, const std::vector<std::string>& recipients,
                 const std::string& data);

  const SmtpOptions& options() const { return options_; }

 private:
  SmtpOptions options_;
  SecretBytes password_;
  const base::Clock& clock_;
  Rng& rng_;
};

}  // namespace hetong::notify
