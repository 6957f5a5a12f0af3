#include "notify/notifier.h"

#include <spdlog/spdlog.h>

namespace hetong::notify {

StatusOr<HttpPostOptions> WebhookPostOptionsFromConfig(const base::Config& config) {
  HttpPostOptions o;
  HETONG_ASSIGN_OR_RETURN(int64_t timeout, config.GetInt("notify.webhook_timeout_seconds", 10));
  if (timeout < 1 || timeout > 120) {
    return InvalidArgumentError("notify.webhook_timeout_seconds is 1 to 120");
  }
  o.timeout = std::chrono::seconds(timeout);
  HETONG_ASSIGN_OR_RETURN(o.allow_private_addresses,
                          config.GetBool("notify.webhook_allow_private", false));
  o.ca_file = config.GetOr("notify.webhook_ca_file", "");
  o.user_agent = "hetong-webhooks";
  return o;
}

StatusOr<std::unique_ptr<Notifier>> Notifier::Create(
    const base::Config& config, const std::string& instance_dir, const SecretBytes& master_key,
    OutboxRepository& outbox, WebhookRepository& webhooks, const base::Clock& clock, Rng& rng) {
  std::unique_ptr<Notifier> n(new Notifier());
  SecretBytes password;
  auto smtp = SmtpOptions::FromConfig(config, &password);
  if (smtp.ok()) {
    n->email_ = std::make_unique<SmtpClient>(*smtp, std::move(password), clock, rng);
  } else if (smtp.status().code() != StatusCode::kNotFound) {
    return smtp.status();
  }
  HETONG_ASSIGN_OR_RETURN(n->sms_,
                          SmsSenderFromConfig(config, instance_dir, clock, &n->sms_poster_));
  HETONG_ASSIGN_OR_RETURN(OutboxWorkerOptions worker_options,
                          OutboxWorkerOptions::FromConfig(config));
  n->worker_ =
      std::make_unique<OutboxWorker>(outbox, n->email_.get(), n->sms_.get(), clock, worker_options);
  HETONG_ASSIGN_OR_RETURN(HttpPostOptions post, WebhookPostOptionsFromConfig(config));
  n->webhook_poster_ = std::make_unique<NetHttpPoster>(post);
  HETONG_ASSIGN_OR_RETURN(WebhookSettings settings, WebhookSettings::FromConfig(config));
  n->service_ = std::make_unique<WebhookService>(webhooks, clock, rng, master_key, settings);
  n->dispatcher_ =
      std::make_unique<WebhookDispatcher>(*n->service_, webhooks, *n->webhook_poster_, clock);
  WebhookDispatcher* dispatcher = n->dispatcher_.get();
  n->service_->SetWakeup([dispatcher] { dispatcher->Notify(); });
  return n;
}

Notifier::~Notifier() { Stop(); }

void Notifier::Start() {
  spdlog::info("notify: email {}, sms {}, webhooks on",
               email_ ? "by SMTP to " + email_->options().host : std::string("off"),
               sms_ ? sms_->name() : std::string("off"));
  worker_->Start();
  dispatcher_->Start();
}

void Notifier::Stop() {
  if (worker_) worker_->Stop();
  if (dispatcher_) dispatcher_->Stop();
}

}  // namespace hetong::notify
