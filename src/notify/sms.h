// SMS: the SmsSender interface the outbox worker sends text messages through, and two
// implementations that run anywhere:
//
// - FileSmsSender ("file", for demo instances and tests): appends one JSON line per message
//   to a file (mode 0600) instead of sending it. The file then holds login codes in the clear:
//   never use it on a production instance.
// - HttpSmsSender ("http"): POSTs {"to", "text", "sender"} as JSON to the operator's gateway
//   URL, with "Authorization: Bearer <key>" when a key is configured. 2xx means accepted; 4xx
//   (except 408 and 429) is permanent; anything else is retried.
//
// A real provider (Aliyun, Tencent Cloud, a carrier's CMPP gateway, ...) plugs in either as a
// small HTTP service that takes that request and calls the provider (no hetong change), or as
// another SmsSender implementation chosen in SmsSenderFromConfig. docs/operations.md has the
// request format.
//
// Thread-safety: Send may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/config.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "notify/http_post.h"

namespace hetong::notify {

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual std::string name() const = 0;
  // Errors as in smtp.h: IsPermanentFailure(status) tells whether retrying can help.
  virtual Status Send(const std::string& mobile, const std::string& text) = 0;
};

// A mobile number: "+" optional, then 5 to 20 digits.
Status CheckMobile(std::string_view mobile);

class FileSmsSender final : public SmsSender {
 public:
  FileSmsSender(std::string path, const base::Clock& clock)
      : path_(std::move(path)), clock_(clock) {}
  std::string name() const override { return "file"; }
  Status Send(const std::string& mobile, const std::string& text) override;

 private:
  std::string path_;
  const base::Clock& clock_;
  std::mutex mu_;
};

class HttpSmsSender final : public SmsSender {
 public:
  // `poster` must outlive the sender.
  HttpSmsSender(HttpPoster& poster, std::string url, SecretBytes api_key, std::string sender)
      : poster_(poster),
        url_(std::move(url)),
        api_key_(std::move(api_key)),
        sender_(std::move(sender)) {}
  std::string name() const override { return "http"; }
  Status Send(const std::string& mobile, const std::string& text) override;

 private:
  HttpPoster& poster_;
  std::string url_;
  SecretBytes api_key_;
  std::string sender_;
};

// sms.provider = none (default: nullptr, SMS messages wait in the outbox), file (sms.file,
// default <instance dir>/sms-outbox.log) or http (sms.http_url, sms.http_key, sms.sender;
// sms.http_allow_private to reach a gateway on the local network). `poster_out` receives the
// poster an http sender uses (keep it alive as long as the sender).
StatusOr<std::unique_ptr<SmsSender>> SmsSenderFromConfig(const base::Config& config,
                                                         const std::string& instance_dir,
                                                         const base::Clock& clock,
                                                         std::unique_ptr<HttpPoster>* poster_out);

}  // namespace hetong::notify
