// The notification subsystem of a running instance, built from hetong.conf: the SMTP client
// (smtp.*), the SMS sender (sms.*), the outbox worker and the webhook service and dispatcher
// (notify.*), with their two background threads. `hetong serve` creates one, starts it after
// the listener is up and stops it before the database closes.
//
// Thread-safety: Start/Stop from one thread; webhooks() and NotifyOutbox() from any thread.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/config.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "notify/http_post.h"
#include "notify/outbox_worker.h"
#include "notify/sms.h"
#include "notify/smtp.h"
#include "notify/webhook_dispatcher.h"
#include "notify/webhooks.h"

namespace hetong::notify {

// notify.webhook_timeout_seconds, notify.webhook_allow_private, notify.webhook_ca_file.
StatusOr<HttpPostOptions> WebhookPostOptionsFromConfig(const base::Config& config);

class Notifier {
 public:
  // Reads and checks the configuration (InvalidArgument naming the key). The repositories,
  // clock and rng must outlive the notifier; `master_key` is only used here.
  static StatusOr<std::unique_ptr<Notifier>> Create(
      const base::Config& config, const std::string& instance_dir, const SecretBytes& master_key,
      OutboxRepository& outbox, WebhookRepository& webhooks, const base::Clock& clock, Rng& rng);
  ~Notifier();

  void Start();
  void Stop();

  WebhookService& webhooks() { return *service_; }
  OutboxWorker& outbox_worker() { return *worker_; }
  WebhookDispatcher& dispatcher() { return *dispatcher_; }
  // Call after queueing an outbox message, so it goes out now rather than at the next poll.
  void NotifyOutbox() { worker_->Notify(); }
  bool email_enabled() const { return email_ != nullptr; }
  bool sms_enabled() const { return sms_ != nullptr; }

 private:
  Notifier() = default;
  std::unique_ptr<SmtpClient> email_;
  std::unique_ptr<HttpPoster> sms_poster_;
  std::unique_ptr<SmsSender> sms_;
  std::unique_ptr<OutboxWorker> worker_;
  std::unique_ptr<HttpPoster> webhook_poster_;
  std::unique_ptr<WebhookService> service_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
};

}  // namespace hetong::notify
