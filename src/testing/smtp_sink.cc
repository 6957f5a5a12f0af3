#include "testing/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace hetong::testing {

namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string Base64Decode(const std::string& in) {
  static const std::string kChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    size_t v = kChars.find(c);
    if (v == std::string::npos) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string Address(const std::string& arg) {
  size_t lt = arg.find('<');
  size_t gt = arg.find('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt) return arg;
  return arg.substr(lt + 1, gt - lt - 1);
}

}  // namespace

SmtpSink::SmtpSink() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Run(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void SmtpSink::FailNext(Stage stage, int code, int times) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < times; ++i) failures_[stage].push_back(code);
}

void SmtpSink::RequireAuth(const std::string& user, const std::string& password) {
  std::lock_guard<std::mutex> lock(mu_);
  user_ = user;
  password_ = password;
}

void SmtpSink::SetAuthMechanisms(const std::string& mechanisms) {
  std::lock_guard<std::mutex> lock(mu_);
  mechanisms_ = mechanisms;
}

std::vector<SmtpSink::Message> SmtpSink::messages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<std::string> SmtpSink::commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

bool SmtpSink::WaitForMessages(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
}

int SmtpSink::TakeFailure(Stage stage) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& q = failures_[stage];
  if (q.empty()) return 0;
  int code = q.front();
  q.pop_front();
  return code;
}

void SmtpSink::Run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    Serve(fd);
    close(fd);
  }
}

bool SmtpSink::Send(int fd, const std::string& text) {
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Lines end with CRLF only (a bare LF stays inside the line, as strict servers do).
bool SmtpSink::ReadLine(int fd, std::string& buffer, std::string& line) {
  while (!stop_) {
    size_t end = buffer.find("\r\n");
    if (end != std::string::npos) {
      line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char chunk[4096];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  return false;
}

void SmtpSink::Serve(int fd) {
  std::string buffer, line;
  if (silent_) {
    while (ReadLine(fd, buffer, line)) {
    }
    return;
  }
  auto reply = [&](Stage stage, const std::string& ok) {
    int code = TakeFailure(stage);
    if (code != 0) {
      return Send(fd, std::to_string(code) + (code >= 500 ? " 5.0.0 refused by the sink\r\n"
                                                          : " 4.0.0 try again later\r\n"));
    }
    return Send(fd, ok);
  };
  if (!reply(Stage::kGreeting, "220 sink.test ESMTP ready\r\n")) return;
  Message current;
  bool in_transaction = false;
  std::string authed_user;
  while (ReadLine(fd, buffer, line)) {
    std::string verb = Upper(line.substr(0, line.find(' ')));
    std::string arg = line.find(' ') == std::string::npos ? "" : line.substr(line.find(' ') + 1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      commands_.push_back(verb == "AUTH" ? "AUTH [auth]" : line);
    }
    std::string user, password, mechanisms;
    {
      std::lock_guard<std::mutex> lock(mu_);
      user = user_;
      password = password_;
      mechanisms = mechanisms_;
    }
    if (verb == "EHLO") {
      std::string ok = "250-sink.test greets " + arg + "\r\n";
      if (!mechanisms.empty()) ok += "250-AUTH " + mechanisms + "\r\n";
      ok += "250-8BITMIME\r\n250 SIZE 10485760\r\n";
      if (!reply(Stage::kEhlo, ok)) return;
    } else if (verb == "HELO") {
      if (!reply(Stage::kEhlo, "250 sink.test\r\n")) return;
    } else if (verb == "AUTH") {
      std::string mech = Upper(arg.substr(0, arg.find(' ')));
      std::string got_user, got_password;
      if (mech == "PLAIN") {
        std::string payload =
            arg.find(' ') == std::string::npos ? "" : arg.substr(arg.find(' ') + 1);
        if (payload.empty()) {
          if (!Send(fd, "334 \r\n") || !ReadLine(fd, buffer, payload)) return;
        }
        std::string decoded = Base64Decode(payload);
        size_t a = decoded.find('\0');
        size_t b = a == std::string::npos ? a : decoded.find('\0', a + 1);
        if (b != std::string::npos) {
          got_user = decoded.substr(a + 1, b - a - 1);
          got_password = decoded.substr(b + 1);
        }
      } else if (mech == "LOGIN") {
        std::string u, p;
        if (!Send(fd, "334 VXNlcm5hbWU6\r\n") || !ReadLine(fd, buffer, u)) return;
        if (!Send(fd, "334 UGFzc3dvcmQ6\r\n") || !ReadLine(fd, buffer, p)) return;
        got_user = Base64Decode(u);
        got_password = Base64Decode(p);
      } else {
        if (!Send(fd, "504 5.5.4 mechanism not supported\r\n")) return;
        continue;
      }
      if (!user.empty() && (got_user != user || got_password != password)) {
        if (!Send(fd, "535 5.7.8 authentication failed\r\n")) return;
        continue;
      }
      authed_user = got_user;
      if (!reply(Stage::kAuth, "235 2.7.0 authenticated\r\n")) return;
    } else if (verb == "MAIL") {
      if (!user.empty() && authed_user.empty()) {
        if (!Send(fd, "530 5.7.0 authentication required\r\n")) return;
        continue;
      }
      current = Message();
      current.from = Address(arg);
      current.auth_user = authed_user;
      in_transaction = true;
      if (!reply(Stage::kMail, "250 2.1.0 ok\r\n")) return;
    } else if (verb == "RCPT") {
      if (!in_transaction) {
        if (!Send(fd, "503 5.5.1 MAIL first\r\n")) return;
        continue;
      }
      int code = TakeFailure(Stage::kRcpt);
      if (code != 0) {
        if (!Send(fd, std::to_string(code) +
                          (code >= 500 ? " 5.1.1 no such user\r\n" : " 4.2.0 mailbox busy\r\n"))) {
          return;
        }
        continue;
      }
      current.to.push_back(Address(arg));
      if (!Send(fd, "250 2.1.5 ok\r\n")) return;
    } else if (verb == "DATA") {
      if (!in_transaction || current.to.empty()) {
        if (!Send(fd, "503 5.5.1 RCPT first\r\n")) return;
        continue;
      }
      int code = TakeFailure(Stage::kData);
      if (code != 0) {
        if (!Send(fd, std::to_string(code) + " refused\r\n")) return;
        continue;
      }
      if (!Send(fd, "354 end with <CRLF>.<CRLF>\r\n")) return;
      std::string data;
      bool ended = false;
      while (ReadLine(fd, buffer, line)) {
        if (line == ".") {
          ended = true;
          break;
        }
        if (!line.empty() && line[0] == '.') line.erase(0, 1);
        data += line + "\r\n";
      }
      if (!ended) return;
      in_transaction = false;
      code = TakeFailure(Stage::kDataEnd);
      if (code != 0) {
        if (!Send(fd, std::to_string(code) + (code >= 500 ? " 5.6.0 message refused\r\n"
                                                          : " 4.3.0 try again later\r\n"))) {
          return;
        }
        continue;
      }
      current.data = data;
      {
        std::lock_guard<std::mutex> lock(mu_);
        messages_.push_back(current);
      }
      cv_.notify_all();
      if (!Send(fd, "250 2.0.0 queued\r\n")) return;
    } else if (verb == "RSET") {
      in_transaction = false;
      if (!Send(fd, "250 2.0.0 ok\r\n")) return;
    } else if (verb == "NOOP") {
      if (!Send(fd, "250 2.0.0 ok\r\n")) return;
    } else if (verb == "QUIT") {
      Send(fd, "221 2.0.0 bye\r\n");
      return;
    } else {
      if (!Send(fd, "502 5.5.2 command not recognised\r\n")) return;
    }
  }
}

}  // namespace hetong::testing
