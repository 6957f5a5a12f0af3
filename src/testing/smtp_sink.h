// A real, minimal SMTP server for tests (RFC 5321 subset): listens on 127.0.0.1 on an
// ephemeral port, answers EHLO/HELO, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA (removing
// dot-stuffing), RSET, NOOP and QUIT, and keeps every accepted message for assertions. It can
// be told to answer a stage with an error code (4xx/5xx) for the next N times, to require
// credentials, or to accept connections and then say nothing (client timeouts).
//
// Connections are served one at a time on the sink's own thread.
//
// Thread-safety: all methods may be called from the test thread while the sink runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hetong::testing {

class SmtpSink {
 public:
  enum class Stage { kGreeting, kEhlo, kAuth, kMail, kRcpt, kData, kDataEnd };

  struct Message {
    std::string from;
    std::vector<std::string> to;
    std::string data;  // as the client meant it: CRLF line ends, dot-stuffing removed
    std::string auth_user;
  };

  SmtpSink();  // listening when constructed
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }

  // The next `times` replies at `stage` are `code` with a fixed text.
  void FailNext(Stage stage, int code, int times = 1);
  // Accept connections but never send a byte.
  void SetSilent(bool silent) { silent_ = silent; }
  // MAIL is refused (530) until AUTH with these credentials succeeds.
  void RequireAuth(const std::string& user, const std::string& password);
  // What EHLO advertises after "AUTH " (default "PLAIN LOGIN"); empty: no AUTH line.
  void SetAuthMechanisms(const std::string& mechanisms);

  std::vector<Message> messages() const;
  // Waits until at least `n` messages were accepted; false on timeout.
  bool WaitForMessages(size_t n, std::chrono::milliseconds timeout) const;
  int connections() const { return connections_; }
  // Every command line received, in order (AUTH payloads replaced by "[auth]").
  std::vector<std::string> commands() const;

 private:
  void Run();
  void Serve(int fd);
  bool ReadLine(int fd, std::string& buffer, std::string& line);
  bool Send(int fd, const std::string& text);
  // The scripted failure for `stage`, or 0.
  int TakeFailure(Stage stage);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> silent_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<Message> messages_;
  std::vector<std::string> commands_;
  std::map<Stage, std::deque<int>> failures_;
  std::string user_, password_;
  std::string mechanisms_ = "PLAIN LOGIN";
};

}  // namespace hetong::testing
