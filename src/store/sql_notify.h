// SQL implementations of the notification repositories (notify/outbox_worker.h,
// notify/webhooks.h) on the instance database (migrations 0005_identity.sql for the outbox
// table, 0008_notify.sql for its delivery columns and the webhook tables). Portable SQL only.
//
// Thread-safety: safe for concurrent use (the instance serialises the connection; claims are
// one transaction each).
#pragma once

#include "notify/outbox_worker.h"
#include "notify/webhooks.h"
#include "store/instance.h"

namespace hetong::store {

class SqlOutboxRepository final : public notify::OutboxRepository {
 public:
  explicit SqlOutboxRepository(Instance& instance) : instance_(instance) {}
  StatusOr<std::vector<identity::OutboxMessage>> ClaimOutbox(
      const std::vector<std::string>& channels, base::TimePoint now, base::TimePoint lease_until,
      int limit) override;
  Status MarkOutboxSent(const std::string& id, base::TimePoint at,
                        const std::string& body_note) override;
  Status MarkOutboxFailed(const std::string& id, const std::string& error,
                          std::optional<base::TimePoint> retry_at,
                          const std::string& body_note) override;
  StatusOr<int> ExpireOutbox(base::TimePoint now, const std::string& body_note) override;
  StatusOr<std::vector<identity::OutboxMessage>> ListOutboxByState(const std::string& state,
                                                                   int limit,
                                                                   int64_t offset) override;

 private:
  Instance& instance_;
};

class SqlWebhookRepository final : public notify::WebhookRepository {
 public:
  explicit SqlWebhookRepository(Instance& instance) : instance_(instance) {}
  Status InsertWebhook(const notify::Webhook& w) override;
  Status UpdateWebhook(const notify::Webhook& w) override;
  StatusOr<std::optional<notify::Webhook>> GetWebhook(const std::string& id) override;
  StatusOr<std::vector<notify::Webhook>> ListWebhooks(const std::string& org_id) override;
  Status DeleteWebhook(const std::string& id) override;
  Status InsertDeliveries(const std::vector<notify::WebhookDelivery>& deliveries) override;
  StatusOr<std::optional<notify::WebhookDelivery>> GetDelivery(const std::string& id) override;
  StatusOr<std::vector<notify::WebhookDelivery>> ListDeliveries(const std::string& webhook_id,
                                                                int limit, int64_t offset) override;
  StatusOr<std::vector<notify::WebhookDelivery>> ClaimDeliveries(base::TimePoint now,
                                                                 base::TimePoint lease_until,
                                                                 int limit) override;
  Status RecordAttempt(const notify::WebhookDelivery& d, const notify::WebhookAttempt& a) override;
  StatusOr<std::vector<notify::WebhookAttempt>> ListAttempts(
      const std::string& delivery_id) override;

 private:
  Instance& instance_;
};

}  // namespace hetong::store
