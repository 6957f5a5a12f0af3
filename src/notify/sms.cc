#include "notify/sms.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace hetong::notify {

Status CheckMobile(std::string_view mobile) {
  std::string_view digits = mobile;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  if (digits.size() < 5 || digits.size() > 20 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgumentError("a mobile number is an optional + and 5 to 20 digits");
  }
  return OkStatus();
}

Status FileSmsSender::Send(const std::string& mobile, const std::string& text) {
  HETONG_RETURN_IF_ERROR(CheckMobile(mobile));
  nlohmann::json j = {
      {"time", base::FormatRfc3339Millis(clock_.Now())}, {"to", mobile}, {"text", text}};
  std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("cannot open the SMS file " + path_ + ": " + strerror(errno));
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  std::fill(line.begin(), line.end(), '\0');
  if (n != static_cast<ssize_t>(line.size()) || !synced) {
    return UnavailableError("cannot write the SMS file " + path_ + ": " + strerror(err));
  }
  return OkStatus();
}

Status HttpSmsSender::Send(const std::string& mobile, const std::string& text) {
  HETONG_RETURN_IF_ERROR(CheckMobile(mobile));
  nlohmann::json j = {{"to", mobile}, {"text", text}, {"sender", sender_}};
  std::string body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  HttpHeaders headers;
  if (!api_key_.empty()) {
    headers.emplace_back("Authorization",
                         "Bearer " + std::string(api_key_.RevealString(SecretAccess::Unsafe())));
  }
  auto r = poster_.Post(url_, headers, body);
  std::fill(body.begin(), body.end(), '\0');
  for (auto& h : headers) std::fill(h.second.begin(), h.second.end(), '\0');
  if (!r.ok()) return UnavailableError("the SMS gateway did not answer: " + r.status().message());
  if (r->status >= 200 && r->status < 300) return OkStatus();
  std::string msg = "the SMS gateway answered HTTP " + std::to_string(r->status);
  if (r->status >= 400 && r->status < 500 && r->status != 408 && r->status != 429) {
    return FailedPreconditionError(msg);
  }
  return UnavailableError(msg);
}

StatusOr<std::unique_ptr<SmsSender>> SmsSenderFromConfig(const base::Config& config,
                                                         const std::string& instance_dir,
                                                         const base::Clock& clock,
                                                         std::unique_ptr<HttpPoster>* poster_out) {
  std::string provider = config.GetOr("sms.provider", "none");
  if (provider == "none") return std::unique_ptr<SmsSender>();
  if (provider == "file") {
    std::string path = config.GetOr("sms.file", instance_dir + "/sms-outbox.log");
    return std::unique_ptr<SmsSender>(std::make_unique<FileSmsSender>(path, clock));
  }
  if (provider == "http") {
    std::string url = config.GetOr("sms.http_url", "");
    auto parsed = ParseHttpUrl(url);
    if (!parsed.ok()) return InvalidArgumentError("sms.http_url: " + parsed.status().message());
    HETONG_ASSIGN_OR_RETURN(bool allow_private, config.GetBool("sms.http_allow_private", false));
    HttpPostOptions options;
    options.allow_private_addresses = allow_private;
    options.ca_file = config.GetOr("sms.ca_file", "");
    if (!poster_out) return InvalidArgumentError("an http SMS sender needs a poster");
    *poster_out = std::make_unique<NetHttpPoster>(options);
    return std::unique_ptr<SmsSender>(std::make_unique<HttpSmsSender>(
        **poster_out, url, SecretBytes::Copy(config.GetOr("sms.http_key", "")),
        config.GetOr("sms.sender", "hetong")));
  }
  return InvalidArgumentError("sms.provider is none, file or http");
}

}  // namespace hetong::notify
