#include "notify/webhooks.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "base/encoding.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "crypto/sm4.h"
#include "notify/http_post.h"

namespace hetong::notify {

namespace {

constexpr size_t kIvSize = 12;

SecretBytes DeriveSealKey(const SecretBytes& master) {
  constexpr std::string_view kLabel = "hetong webhook secret key";
  Bytes z(master.Reveal(SecretAccess::Unsafe()).begin(),
          master.Reveal(SecretAccess::Unsafe()).end());
  z.insert(z.end(), kLabel.begin(), kLabel.end());
  SecretBytes k = crypto::Sm3Kdf(z, 16);
  std::fill(z.begin(), z.end(), 0);
  return k;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

StatusOr<WebhookSettings> WebhookSettings::FromConfig(const base::Config& config) {
  WebhookSettings s;
  HETONG_ASSIGN_OR_RETURN(int64_t per_org, config.GetInt("notify.webhook_max_per_org", 20));
  if (per_org < 1 || per_org > 1000) {
    return InvalidArgumentError("notify.webhook_max_per_org is 1 to 1000");
  }
  s.max_webhooks_per_org = static_cast<int>(per_org);
  HETONG_ASSIGN_OR_RETURN(int64_t attempts, config.GetInt("notify.webhook_max_attempts", 7));
  if (attempts < 1 || attempts > 50) {
    return InvalidArgumentError("notify.webhook_max_attempts is 1 to 50");
  }
  s.max_attempts = static_cast<int>(attempts);
  if (auto schedule = config.Get("notify.webhook_retry_seconds")) {
    s.retry_schedule.clear();
    size_t i = 0;
    while (i <= schedule->size()) {
      size_t comma = schedule->find(',', i);
      if (comma == std::string::npos) comma = schedule->size();
      std::string item = schedule->substr(i, comma - i);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      int64_t v = 0;
      auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
      if (item.empty() || ec != std::errc() || p != item.data() + item.size() || v < 1 ||
          v > 7 * 86400) {
        return InvalidArgumentError(
            "notify.webhook_retry_seconds is a comma-separated list of seconds (1 to 604800)");
      }
      s.retry_schedule.push_back(std::chrono::seconds(v));
      i = comma + 1;
    }
  }
  HETONG_ASSIGN_OR_RETURN(s.require_https, config.GetBool("notify.webhook_require_https", false));
  HETONG_ASSIGN_OR_RETURN(int64_t interval, config.GetInt("notify.poll_seconds", 5));
  if (interval < 1 || interval > 3600)
    return InvalidArgumentError("notify.poll_seconds is 1 to 3600");
  s.interval = std::chrono::seconds(interval);
  return s;
}

std::string WebhookSignature(ByteView key, int64_t t, std::string_view body) {
  std::string signed_text = std::to_string(t) + "." + std::string(body);
  return "t=" + std::to_string(t) +
         ",hmac-sm3=" + base::HexEncode(crypto::HmacSm3(key, AsBytes(signed_text)));
}

Status VerifyWebhookSignature(ByteView key, std::string_view header, std::string_view body,
                              int64_t now, int64_t tolerance_seconds) {
  std::optional<int64_t> t;
  std::vector<std::string> macs;
  size_t i = 0;
  while (i <= header.size()) {
    size_t comma = header.find(',', i);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = header.substr(i, comma - i);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.rfind("t=", 0) == 0) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(item.data() + 2, item.data() + item.size(), v);
      if (ec == std::errc() && p == item.data() + item.size()) t = v;
    } else if (item.rfind("hmac-sm3=", 0) == 0) {
      macs.emplace_back(item.substr(9));
    }
    i = comma + 1;
  }
  if (!t || macs.empty()) return UnauthenticatedError("the signature header is malformed");
  if (*t > now + tolerance_seconds || *t < now - tolerance_seconds) {
    return UnauthenticatedError("the signature's time is too far from now");
  }
  std::string signed_text = std::to_string(*t) + "." + std::string(body);
  for (const auto& hex : macs) {
    auto tag = base::HexDecode(hex);
    if (tag.ok() &&
        crypto::HmacVerify(crypto::HashAlgorithm::kSm3, key, AsBytes(signed_text), *tag)) {
      return OkStatus();
    }
  }
  return UnauthenticatedError("the signature does not match");
}

Status CheckEventType(std::string_view type) {
  if (type.empty() || type.size() > 64)
    return InvalidArgumentError("an event type has 1 to 64 characters");
  bool word_start = true;
  for (char c : type) {
    if (c == '.') {
      if (word_start) return InvalidArgumentError("an event type is dot-separated words");
      word_start = true;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (!word_start && ((c >= '0' && c <= '9') || c == '_'));
    if (!ok) {
      return InvalidArgumentError(
          "an event type is lower-case words of a-z, 0-9 and _ separated by dots");
    }
    word_start = false;
  }
  if (word_start) return InvalidArgumentError("an event type does not end with a dot");
  return OkStatus();
}

bool EventMatches(const std::vector<std::string>& filters, std::string_view type) {
  for (const auto& f : filters) {
    if (f == "*" || f == type) return true;
    if (f.size() > 2 && f.compare(f.size() - 2, 2, ".*") == 0 &&
        type.substr(0, f.size() - 1) == std::string_view(f).substr(0, f.size() - 1)) {
      return true;
    }
  }
  return false;
}

WebhookService::WebhookService(WebhookRepository& repo, const base::Clock& clock, Rng& rng,
                               const SecretBytes& master_key, WebhookSettings settings)
    : repo_(repo),
      clock_(clock),
      rng_(rng),
      seal_key_(DeriveSealKey(master_key)),
      settings_(std::move(settings)) {}

StatusOr<std::string> WebhookService::NewId(std::string_view prefix) {
  HETONG_ASSIGN_OR_RETURN(Bytes r, crypto::RandomBytes(rng_, 12));
  return std::string(prefix) + base::HexEncode(r);
}

Status WebhookService::CheckUrl(const std::string& url) const {
  HETONG_ASSIGN_OR_RETURN(HttpUrl u, ParseHttpUrl(url));
  if (settings_.require_https && !u.https) {
    return InvalidArgumentError("webhook URLs on this instance must start with https://");
  }
  return OkStatus();
}

StatusOr<WebhookService::Created> WebhookService::Register(const std::string& org_id,
                                                           const std::string& actor,
                                                           const Registration& r) {
  HETONG_RETURN_IF_ERROR(CheckUrl(r.url));
  std::vector<std::string> events = r.events.empty() ? std::vector<std::string>{"*"} : r.events;
  if (events.size() > 50) return InvalidArgumentError("at most 50 event filters");
  for (const auto& e : events) {
    if (e == "*") continue;
    std::string_view type = e;
    if (type.size() > 2 && type.substr(type.size() - 2) == ".*") type.remove_suffix(2);
    HETONG_RETURN_IF_ERROR(CheckEventType(type));
  }
  if (r.description.size() > 200)
    return InvalidArgumentError("the description is at most 200 bytes");
  for (unsigned char c : r.description) {
    if (c < 0x20 || c == 0x7f)
      return InvalidArgumentError("the description has control characters");
  }
  HETONG_ASSIGN_OR_RETURN(auto existing, repo_.ListWebhooks(org_id));
  if (static_cast<int>(existing.size()) >= settings_.max_webhooks_per_org) {
    return ResourceExhaustedError("an organisation has at most " +
                                  std::to_string(settings_.max_webhooks_per_org) +
                                  " webhooks; delete one first");
  }
  Webhook w;
  HETONG_ASSIGN_OR_RETURN(w.id, NewId("whk-"));
  w.org_id = org_id;
  w.url = r.url;
  w.events = events;
  w.description = r.description;
  w.active = true;
  w.created_by = actor;
  w.created_at = w.updated_at = clock_.Now();
  HETONG_ASSIGN_OR_RETURN(Bytes raw, crypto::RandomBytes(rng_, 32));
  SecretBytes secret = SecretBytes::Copy("whsec_" + base::HexEncode(raw));
  std::fill(raw.begin(), raw.end(), 0);
  HETONG_ASSIGN_OR_RETURN(Bytes iv, crypto::RandomBytes(rng_, kIvSize));
  HETONG_ASSIGN_OR_RETURN(Bytes ct, crypto::Sm4GcmEncrypt(seal_key_, iv, AsBytes(w.id),
                                                          secret.Reveal(SecretAccess::Unsafe())));
  w.secret_sealed = iv;
  w.secret_sealed.insert(w.secret_sealed.end(), ct.begin(), ct.end());
  HETONG_RETURN_IF_ERROR(repo_.InsertWebhook(w));
  spdlog::info("notify: {} registered webhook {} for {}", actor, w.id, org_id);
  return Created{std::move(w), std::move(secret)};
}

StatusOr<SecretBytes> WebhookService::SecretOf(const Webhook& w) const {
  if (w.secret_sealed.size() <= kIvSize) return DataLossError("a webhook secret is truncated");
  ByteView sealed = w.secret_sealed;
  auto pt = crypto::Sm4GcmDecryptSecret(seal_key_, sealed.subspan(0, kIvSize), AsBytes(w.id),
                                        sealed.subspan(kIvSize));
  if (!pt.ok()) return DataLossError("a webhook secret does not open with this instance's key");
  return pt;
}

StatusOr<std::vector<Webhook>> WebhookService::List(const std::string& org_id) {
  return repo_.ListWebhooks(org_id);
}

StatusOr<Webhook> WebhookService::Get(const std::string& org_id, const std::string& webhook_id) {
  HETONG_ASSIGN_OR_RETURN(auto w, repo_.GetWebhook(webhook_id));
  if (!w || w->org_id != org_id) return NotFoundError("no such webhook");
  return *w;
}

StatusOr<Webhook> WebhookService::SetActive(const std::string& org_id,
                                            const std::string& webhook_id, bool active) {
  HETONG_ASSIGN_OR_RETURN(Webhook w, Get(org_id, webhook_id));
  w.active = active;
  w.updated_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.UpdateWebhook(w));
  return w;
}

Status WebhookService::Delete(const std::string& org_id, const std::string& webhook_id) {
  HETONG_RETURN_IF_ERROR(Get(org_id, webhook_id).status());
  HETONG_RETURN_IF_ERROR(repo_.DeleteWebhook(webhook_id));
  spdlog::info("notify: deleted webhook {} of {}", webhook_id, org_id);
  return OkStatus();
}

StatusOr<std::vector<WebhookDelivery>> WebhookService::ListDeliveries(const std::string& org_id,
                                                                      const std::string& webhook_id,
                                                                      int limit, int64_t offset) {
  HETONG_RETURN_IF_ERROR(Get(org_id, webhook_id).status());
  return repo_.ListDeliveries(webhook_id, limit, offset);
}

StatusOr<std::vector<WebhookAttempt>> WebhookService::ListAttempts(const std::string& org_id,
                                                                   const std::string& webhook_id,
                                                                   const std::string& delivery_id) {
  HETONG_RETURN_IF_ERROR(Get(org_id, webhook_id).status());
  HETONG_ASSIGN_OR_RETURN(auto d, repo_.GetDelivery(delivery_id));
  if (!d || d->webhook_id != webhook_id) return NotFoundError("no such delivery");
  return repo_.ListAttempts(delivery_id);
}

StatusOr<WebhookDelivery> WebhookService::Redeliver(const std::string& org_id,
                                                    const std::string& webhook_id,
                                                    const std::string& delivery_id) {
  HETONG_ASSIGN_OR_RETURN(Webhook w, Get(org_id, webhook_id));
  if (!w.active) return FailedPreconditionError("the webhook is inactive; activate it first");
  HETONG_ASSIGN_OR_RETURN(auto old, repo_.GetDelivery(delivery_id));
  if (!old || old->webhook_id != webhook_id) return NotFoundError("no such delivery");
  WebhookDelivery d;
  HETONG_ASSIGN_OR_RETURN(d.id, NewId("dlv-"));
  d.webhook_id = webhook_id;
  d.org_id = org_id;
  d.event_id = old->event_id;
  d.event_type = old->event_type;
  d.body = old->body;
  d.created_at = clock_.Now();
  HETONG_RETURN_IF_ERROR(repo_.InsertDeliveries({d}));
  if (wakeup_) wakeup_();
  return d;
}

StatusOr<std::vector<WebhookDelivery>> WebhookService::Enqueue(const std::string& org_id,
                                                               const std::string& event_type,
                                                               const nlohmann::json& data) {
  HETONG_RETURN_IF_ERROR(CheckEventType(event_type));
  HETONG_ASSIGN_OR_RETURN(auto hooks, repo_.ListWebhooks(org_id));
  std::vector<WebhookDelivery> out;
  std::erase_if(hooks,
                [&](const Webhook& w) { return !w.active || !EventMatches(w.events, event_type); });
  if (hooks.empty()) return out;
  HETONG_ASSIGN_OR_RETURN(std::string event_id, NewId("evt-"));
  base::TimePoint now = clock_.Now();
  nlohmann::json event = {{"version", 1},       {"id", event_id},
                          {"type", event_type}, {"created_at", base::FormatRfc3339Millis(now)},
                          {"org_id", org_id},   {"data", data}};
  std::string body = Dump(event);
  for (const auto& w : hooks) {
    WebhookDelivery d;
    HETONG_ASSIGN_OR_RETURN(d.id, NewId("dlv-"));
    d.webhook_id = w.id;
    d.org_id = org_id;
    d.event_id = event_id;
    d.event_type = event_type;
    d.body = body;
    d.created_at = now;
    out.push_back(std::move(d));
  }
  HETONG_RETURN_IF_ERROR(repo_.InsertDeliveries(out));
  if (wakeup_) wakeup_();
  return out;
}

}  // namespace hetong::notify
