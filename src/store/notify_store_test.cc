// Notifications on a real instance store: the outbox worker sending through a real SMTP
// server on 127.0.0.1 (testing/smtp_sink.h) and a file SMS sender, with retries, permanent
// failures, expiry and wiped bodies; webhooks registered, queued, signed, POSTed to a local
// receiver (testing/http_sink.h), retried on a fake clock and visible per organisation only.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "notify/notifier.h"
#include "notify/outbox_worker.h"
#include "notify/sms.h"
#include "notify/smtp.h"
#include "notify/webhook_dispatcher.h"
#include "notify/webhooks.h"
#include "store/instance.h"
#include "store/sql_identity.h"
#include "store/sql_notify.h"
#include "testing/http_sink.h"
#include "testing/smtp_sink.h"
#include "testing/testing.h"

namespace hetong::store {
namespace {

using namespace std::chrono_literals;
using hetong::testing::HttpSink;
using hetong::testing::SmtpSink;
using identity::OutboxMessage;

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class NotifyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Instance::Init(tmp_.File("inst"), InitOptions{}, crypto::DefaultRng()).ok());
    inst_ = *Instance::Open(tmp_.File("inst"));
    identity_ = std::make_unique<SqlIdentityRepository>(*inst_);
    outbox_ = std::make_unique<SqlOutboxRepository>(*inst_);
    hooks_ = std::make_unique<SqlWebhookRepository>(*inst_);
  }

  OutboxMessage Message(const std::string& id, const std::string& channel,
                        const std::string& recipient, const std::string& subject,
                        const std::string& body) {
    OutboxMessage m;
    m.id = id;
    m.channel = channel;
    m.recipient = recipient;
    m.subject = subject;
    m.body = body;
    m.created_at = clock_.Now();
    return m;
  }

  OutboxMessage Get(const std::string& recipient) {
    auto list = identity_->ListOutbox(recipient, 1);
    EXPECT_TRUE(list.ok());
    EXPECT_EQ(list->size(), 1u);
    return list->empty() ? OutboxMessage() : list->front();
  }

  notify::SmtpClient Smtp() {
    notify::SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = static_cast<uint16_t>(sink_.port());
    o.tls = notify::SmtpTls::kNone;
    o.from = "noreply@hetong.test";
    o.timeout = 2000ms;
    return notify::SmtpClient(o, SecretBytes(), clock_, crypto::DefaultRng());
  }

  hetong::testing::TempDir tmp_;
  std::unique_ptr<Instance> inst_;
  std::unique_ptr<SqlIdentityRepository> identity_;
  std::unique_ptr<SqlOutboxRepository> outbox_;
  std::unique_ptr<SqlWebhookRepository> hooks_;
  base::FakeClock clock_{base::FromUnixSeconds(1767225600)};
  SmtpSink sink_;
};

// ---- outbox ----

TEST_F(NotifyStoreTest, SendsEmailAndWipesTheBody) {
  ASSERT_TRUE(identity_
                  ->InsertOutbox(Message("msg-1", "email", "bob@example.cn", "合同待签署",
                                         "请打开 https://sign.example.cn/i/tok-SECRET-1 签署"))
                  .ok());
  auto smtp = Smtp();
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, {});
  auto pass = worker.RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->sent, 1);
  auto msgs = sink_.messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].to[0], "bob@example.cn");
  OutboxMessage m = Get("bob@example.cn");
  EXPECT_EQ(m.state, "sent");
  EXPECT_EQ(m.subject, "合同待签署");
  EXPECT_EQ(m.body, notify::kBodySentNote);
  ASSERT_TRUE(m.sent_at.has_value());
  EXPECT_EQ(*m.sent_at, clock_.Now());
  // Nothing is sent twice.
  EXPECT_EQ(worker.RunOnce()->sent, 0);
  EXPECT_EQ(sink_.messages().size(), 1u);
  // The link's token is no longer in the database file.
  inst_.reset();
  for (const char* f : {"hetong.db", "hetong.db-wal"}) {
    EXPECT_EQ(FileText(tmp_.File(std::string("inst/") + f)).find("tok-SECRET-1"), std::string::npos)
        << f;
  }
}

TEST_F(NotifyStoreTest, RetriesWithBackoffAfterA451) {
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "email", "bob@example.cn", "s", "b")).ok());
  sink_.FailNext(SmtpSink::Stage::kRcpt, 451);
  auto smtp = Smtp();
  notify::OutboxWorkerOptions o;
  o.first_retry = 30s;
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, o);
  auto pass = worker.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->retried, 1);
  OutboxMessage m = Get("bob@example.cn");
  EXPECT_EQ(m.state, "pending");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_NE(m.last_error.find("451"), std::string::npos) << m.last_error;
  ASSERT_TRUE(m.next_attempt_at.has_value());
  EXPECT_EQ(*m.next_attempt_at, clock_.Now() + 30s);
  EXPECT_EQ(m.body, "b");  // kept for the retry
  // Not before it is due.
  clock_.Advance(29s);
  EXPECT_EQ(worker.RunOnce()->sent, 0);
  EXPECT_TRUE(sink_.messages().empty());
  clock_.Advance(1s);
  EXPECT_EQ(worker.RunOnce()->sent, 1);
  EXPECT_EQ(sink_.messages().size(), 1u);
  EXPECT_EQ(Get("bob@example.cn").state, "sent");
}

TEST_F(NotifyStoreTest, BackoffDoublesUpToTheCap) {
  notify::OutboxWorkerOptions o;
  o.first_retry = 30s;
  o.max_retry = 200s;
  notify::OutboxWorker worker(*outbox_, nullptr, nullptr, clock_, o);
  EXPECT_EQ(worker.RetryDelay(1), 30s);
  EXPECT_EQ(worker.RetryDelay(2), 60s);
  EXPECT_EQ(worker.RetryDelay(3), 120s);
  EXPECT_EQ(worker.RetryDelay(4), 200s);
  EXPECT_EQ(worker.RetryDelay(40), 200s);
}

TEST_F(NotifyStoreTest, A550IsPermanent) {
  ASSERT_TRUE(
      identity_->InsertOutbox(Message("msg-1", "email", "nobody@example.cn", "s", "code 123456"))
          .ok());
  sink_.FailNext(SmtpSink::Stage::kRcpt, 550);
  auto smtp = Smtp();
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, {});
  auto pass = worker.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->failed, 1);
  OutboxMessage m = Get("nobody@example.cn");
  EXPECT_EQ(m.state, "failed");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.body, notify::kBodyFailedNote);
  EXPECT_NE(m.last_error.find("550"), std::string::npos);
  auto failed = outbox_->ListOutboxByState("failed", 10, 0);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, "msg-1");
}

TEST_F(NotifyStoreTest, GivesUpAfterMaxAttempts) {
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "email", "bob@example.cn", "s", "b")).ok());
  sink_.FailNext(SmtpSink::Stage::kGreeting, 421, 3);
  auto smtp = Smtp();
  notify::OutboxWorkerOptions o;
  o.max_attempts = 3;
  o.first_retry = 10s;
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, o);
  EXPECT_EQ(worker.RunOnce()->retried, 1);
  clock_.Advance(10s);
  EXPECT_EQ(worker.RunOnce()->retried, 1);
  clock_.Advance(20s);
  EXPECT_EQ(worker.RunOnce()->failed, 1);
  OutboxMessage m = Get("bob@example.cn");
  EXPECT_EQ(m.state, "failed");
  EXPECT_EQ(m.attempts, 3);
  EXPECT_NE(m.last_error.find("421"), std::string::npos);
  EXPECT_EQ(sink_.connections(), 3);
}

TEST_F(NotifyStoreTest, ATimeoutIsRetried) {
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "email", "bob@example.cn", "s", "b")).ok());
  sink_.SetSilent(true);
  notify::SmtpOptions so;
  so.host = "127.0.0.1";
  so.port = static_cast<uint16_t>(sink_.port());
  so.tls = notify::SmtpTls::kNone;
  so.from = "noreply@hetong.test";
  so.timeout = 200ms;
  notify::SmtpClient smtp(so, SecretBytes(), clock_, crypto::DefaultRng());
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, {});
  EXPECT_EQ(worker.RunOnce()->retried, 1);
  EXPECT_NE(Get("bob@example.cn").last_error.find("timed out"), std::string::npos);
}

TEST_F(NotifyStoreTest, ExpiredCodesAreNotSent) {
  identity::OneTimeCode c;
  c.id = "otc-1";
  c.account_id = "psn-1";
  c.channel = "email";
  c.purpose = "login";
  c.code_hash = "h";
  c.expires_at = clock_.Now() + 5min;
  ASSERT_TRUE(identity_
                  ->InsertCode(c, Message("msg-1", "email", "bob@example.cn", "login code",
                                          "Your code is 424242"))
                  .ok());
  OutboxMessage queued = Get("bob@example.cn");
  ASSERT_TRUE(queued.expires_at.has_value());
  EXPECT_EQ(*queued.expires_at, c.expires_at);
  clock_.Advance(6min);
  auto smtp = Smtp();
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, {});
  auto pass = worker.RunOnce();
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->expired, 1);
  EXPECT_EQ(pass->sent, 0);
  OutboxMessage m = Get("bob@example.cn");
  EXPECT_EQ(m.state, "expired");
  EXPECT_EQ(m.body, notify::kBodyExpiredNote);
  EXPECT_TRUE(sink_.messages().empty());
}

TEST_F(NotifyStoreTest, ChannelsWithoutASenderWait) {
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "sms", "13800138000", "s", "code 1")).ok());
  auto smtp = Smtp();
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock_, {});
  EXPECT_EQ(worker.RunOnce()->sent, 0);
  OutboxMessage m = Get("13800138000");
  EXPECT_EQ(m.state, "pending");
  EXPECT_EQ(m.body, "code 1");  // still readable on a demo instance
}

TEST_F(NotifyStoreTest, SmsThroughTheFileSender) {
  ASSERT_TRUE(
      identity_->InsertOutbox(Message("msg-1", "sms", "+8613800138000", "s", "您的验证码 123456"))
          .ok());
  notify::FileSmsSender sms(tmp_.File("sms.log"), clock_);
  notify::OutboxWorker worker(*outbox_, nullptr, &sms, clock_, {});
  EXPECT_EQ(worker.RunOnce()->sent, 1);
  auto line = nlohmann::json::parse(FileText(tmp_.File("sms.log")));
  EXPECT_EQ(line["to"], "+8613800138000");
  EXPECT_EQ(line["text"], "您的验证码 123456");
  EXPECT_EQ(Get("+8613800138000").state, "sent");
  // A malformed number is permanent.
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-2", "sms", "call me", "s", "x")).ok());
  EXPECT_EQ(worker.RunOnce()->failed, 1);
}

TEST_F(NotifyStoreTest, SmsThroughTheHttpGateway) {
  HttpSink gateway;
  gateway.Respond({502, 200});
  notify::HttpPostOptions po;
  po.allow_private_addresses = true;
  notify::NetHttpPoster poster(po);
  notify::HttpSmsSender sms(poster, gateway.url("/sms"), SecretBytes::Copy("gw-key"), "hetong");
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "sms", "13800138000", "s", "code 7")).ok());
  notify::OutboxWorker worker(*outbox_, nullptr, &sms, clock_, {});
  EXPECT_EQ(worker.RunOnce()->retried, 1);
  clock_.Advance(1h);
  EXPECT_EQ(worker.RunOnce()->sent, 1);
  auto reqs = gateway.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].headers["authorization"], "Bearer gw-key");
  auto body = nlohmann::json::parse(reqs[1].body);
  EXPECT_EQ(body["to"], "13800138000");
  EXPECT_EQ(body["text"], "code 7");
  EXPECT_EQ(body["sender"], "hetong");
  gateway.Respond({400});
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-2", "sms", "13800138001", "s", "x")).ok());
  EXPECT_EQ(worker.RunOnce()->failed, 1);
}

TEST_F(NotifyStoreTest, AClaimIsALease) {
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "email", "bob@example.cn", "s", "b")).ok());
  auto now = clock_.Now();
  auto first = outbox_->ClaimOutbox({"email"}, now, now + 5min, 10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 1u);
  EXPECT_TRUE(outbox_->ClaimOutbox({"email"}, now, now + 5min, 10)->empty());
  EXPECT_TRUE(outbox_->ClaimOutbox({"email"}, now + 4min, now + 9min, 10)->empty());
  // A worker that died: the message comes back when the lease ends.
  EXPECT_EQ(outbox_->ClaimOutbox({"email"}, now + 5min, now + 10min, 10)->size(), 1u);
  EXPECT_TRUE(outbox_->ClaimOutbox({"sms"}, now + 1h, now + 2h, 10)->empty());
}

TEST_F(NotifyStoreTest, TheWorkerThreadSendsWhenNotified) {
  auto smtp = Smtp();
  notify::OutboxWorkerOptions o;
  o.interval = 1h;  // only Notify() wakes it after the first pass
  base::SystemClock clock;
  notify::OutboxWorker worker(*outbox_, &smtp, nullptr, clock, o);
  worker.Start();
  ASSERT_TRUE(identity_->InsertOutbox(Message("msg-1", "email", "bob@example.cn", "s", "b")).ok());
  worker.Notify();
  EXPECT_TRUE(sink_.WaitForMessages(1, 10s));
  worker.Stop();
}

TEST_F(NotifyStoreTest, TheNotifierFromConfiguration) {
  HttpSink receiver;
  auto config = base::Config::Parse(
      "[smtp]\nhost = 127.0.0.1\nport = " + std::to_string(sink_.port()) +
      "\ntls = none\nfrom = noreply@hetong.test\n[sms]\nprovider = file\n[notify]\n"
      "webhook_allow_private = true\npoll_seconds = 3600\n");
  ASSERT_TRUE(config.ok());
  base::SystemClock clock;
  auto n = notify::Notifier::Create(*config, tmp_.File("inst"), inst_->master_key(), *outbox_,
                                    *hooks_, clock, crypto::DefaultRng());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_TRUE((*n)->email_enabled());
  EXPECT_TRUE((*n)->sms_enabled());
  (*n)->Start();
  OutboxMessage m = Message("msg-1", "email", "bob@example.cn", "s", "b");
  m.created_at = clock.Now();
  ASSERT_TRUE(identity_->InsertOutbox(m).ok());
  OutboxMessage sms = Message("msg-2", "sms", "13800138000", "s", "code 5");
  sms.created_at = clock.Now();
  ASSERT_TRUE(identity_->InsertOutbox(sms).ok());
  (*n)->NotifyOutbox();
  EXPECT_TRUE(sink_.WaitForMessages(1, 10s));
  auto hook = (*n)->webhooks().Register("org-a", "p", {receiver.url(), {}, ""});
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE((*n)->webhooks().Enqueue("org-a", "contract.signed", {}).ok());
  EXPECT_TRUE(receiver.WaitForRequests(1, 10s));
  (*n)->Stop();
  EXPECT_NE(FileText(tmp_.File("inst/sms-outbox.log")).find("code 5"), std::string::npos);

  auto bad = base::Config::Parse("[smtp]\nhost = h\nfrom = x\n");
  EXPECT_EQ(notify::Notifier::Create(*bad, tmp_.File("inst"), inst_->master_key(), *outbox_,
                                     *hooks_, clock, crypto::DefaultRng())
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  auto none =
      notify::Notifier::Create(*base::Config::Parse(""), tmp_.File("inst"), inst_->master_key(),
                               *outbox_, *hooks_, clock, crypto::DefaultRng());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE((*none)->email_enabled());
  EXPECT_FALSE((*none)->sms_enabled());
}

// ---- webhooks ----

class WebhookStoreTest : public NotifyStoreTest {
 protected:
  void SetUp() override {
    NotifyStoreTest::SetUp();
    notify::HttpPostOptions po;
    po.allow_private_addresses = true;
    po.timeout = 2000ms;
    poster_ = std::make_unique<notify::NetHttpPoster>(po);
    service_ = std::make_unique<notify::WebhookService>(*hooks_, clock_, crypto::DefaultRng(),
                                                        inst_->master_key(), settings_);
    dispatcher_ = std::make_unique<notify::WebhookDispatcher>(*service_, *hooks_, *poster_, clock_);
  }

  notify::WebhookService::Created Register(const std::string& org,
                                           std::vector<std::string> events = {}) {
    auto c = service_->Register(org, "psn-admin", {receiver_.url("/hook"), events, "test"});
    EXPECT_TRUE(c.ok()) << c.status();
    return std::move(*c);
  }

  notify::WebhookSettings settings_;
  HttpSink receiver_;
  std::unique_ptr<notify::NetHttpPoster> poster_;
  std::unique_ptr<notify::WebhookService> service_;
  std::unique_ptr<notify::WebhookDispatcher> dispatcher_;
};

TEST_F(WebhookStoreTest, DeliversSignedEvents) {
  auto created = Register("org-a");
  std::string secret(created.secret.RevealString(SecretAccess::Unsafe()));
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  EXPECT_EQ(secret.size(), 70u);
  // The secret is sealed, not stored.
  auto stored = *hooks_->GetWebhook(created.webhook.id);
  std::string sealed(stored->secret_sealed.begin(), stored->secret_sealed.end());
  EXPECT_EQ(sealed.find(secret.substr(6, 16)), std::string::npos);
  EXPECT_TRUE(service_->SecretOf(*stored)->Equals(created.secret));

  auto queued = service_->Enqueue("org-a", "contract.signed", {{"contract_id", "ctr-1"}});
  ASSERT_TRUE(queued.ok()) << queued.status();
  ASSERT_EQ(queued->size(), 1u);
  auto pass = dispatcher_->RunOnce();
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->delivered, 1);

  auto reqs = receiver_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  auto& h = reqs[0].headers;
  EXPECT_EQ(h["hetong-event"], "contract.signed");
  EXPECT_EQ(h["hetong-delivery"], (*queued)[0].id);
  EXPECT_EQ(h["hetong-timestamp"], "1767225600");
  EXPECT_EQ(h["hetong-signature"].rfind("t=1767225600,hmac-sm3=", 0), 0u);
  EXPECT_TRUE(notify::VerifyWebhookSignature(AsBytes(secret), h["hetong-signature"], reqs[0].body,
                                             1767225600)
                  .ok());
  auto body = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["type"], "contract.signed");
  EXPECT_EQ(body["org_id"], "org-a");
  EXPECT_EQ(body["id"], (*queued)[0].event_id);
  EXPECT_EQ(body["data"]["contract_id"], "ctr-1");

  auto deliveries = service_->ListDeliveries("org-a", created.webhook.id, 10, 0);
  ASSERT_TRUE(deliveries.ok());
  ASSERT_EQ(deliveries->size(), 1u);
  EXPECT_EQ((*deliveries)[0].state, "delivered");
  EXPECT_EQ((*deliveries)[0].last_status, 200);
  auto attempts = service_->ListAttempts("org-a", created.webhook.id, (*deliveries)[0].id);
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ((*attempts)[0].status, 200);
  EXPECT_EQ(dispatcher_->RunOnce()->delivered, 0);
}

TEST_F(WebhookStoreTest, RetriesOnTheScheduleAndSignsEachAttempt) {
  auto created = Register("org-a");
  receiver_.Respond({500, 503});
  ASSERT_TRUE(service_->Enqueue("org-a", "contract.sent", nlohmann::json::object()).ok());
  EXPECT_EQ(dispatcher_->RunOnce()->retried, 1);
  auto d = (*service_->ListDeliveries("org-a", created.webhook.id, 10, 0))[0];
  EXPECT_EQ(d.state, "pending");
  EXPECT_EQ(d.attempts, 1);
  EXPECT_EQ(d.last_status, 500);
  EXPECT_EQ(*d.next_attempt_at, clock_.Now() + 10s);
  clock_.Advance(9s);
  EXPECT_EQ(dispatcher_->RunOnce()->retried, 0);
  clock_.Advance(1s);
  EXPECT_EQ(dispatcher_->RunOnce()->retried, 1);
  d = *(*hooks_->GetDelivery(d.id));
  EXPECT_EQ(*d.next_attempt_at, clock_.Now() + 60s);
  clock_.Advance(60s);
  EXPECT_EQ(dispatcher_->RunOnce()->delivered, 1);
  auto reqs = receiver_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  // The same body each time, signed with the time of each attempt.
  EXPECT_EQ(reqs[0].body, reqs[2].body);
  EXPECT_EQ(reqs[0].headers["hetong-timestamp"], "1767225600");
  EXPECT_EQ(reqs[2].headers["hetong-timestamp"], "1767225670");
  std::string secret(created.secret.RevealString(SecretAccess::Unsafe()));
  EXPECT_TRUE(notify::VerifyWebhookSignature(AsBytes(secret), reqs[2].headers["hetong-signature"],
                                             reqs[2].body, 1767225670)
                  .ok());
  auto attempts = *service_->ListAttempts("org-a", created.webhook.id, d.id);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].status, 500);
  EXPECT_EQ(attempts[1].status, 503);
  EXPECT_EQ(attempts[2].status, 200);
  EXPECT_EQ(attempts[0].error, "HTTP 500");
}

class FailingPoster final : public notify::HttpPoster {
 public:
  StatusOr<notify::HttpPostResult> Post(const std::string&, const notify::HttpHeaders&,
                                        const std::string&) override {
    ++calls;
    return UnavailableError("connecting to hooks.example.cn:443 failed: Connection refused");
  }
  int calls = 0;
};

TEST_F(WebhookStoreTest, FailsAfterMaxAttempts) {
  settings_.max_attempts = 3;
  settings_.retry_schedule = {5s, 50s};
  FailingPoster failing;
  notify::WebhookService service(*hooks_, clock_, crypto::DefaultRng(), inst_->master_key(),
                                 settings_);
  notify::WebhookDispatcher dispatcher(service, *hooks_, failing, clock_);
  auto hook = service.Register("org-a", "psn-admin", {"https://hooks.example.cn/x", {}, ""});
  ASSERT_TRUE(hook.ok());
  ASSERT_TRUE(service.Enqueue("org-a", "contract.sent", {{"n", 1}}).ok());
  EXPECT_EQ(dispatcher.RunOnce()->retried, 1);
  EXPECT_EQ(dispatcher.RetryDelay(1), 5s);
  EXPECT_EQ(dispatcher.RetryDelay(2), 50s);
  EXPECT_EQ(dispatcher.RetryDelay(9), 50s);
  clock_.Advance(5s);
  EXPECT_EQ(dispatcher.RunOnce()->retried, 1);
  clock_.Advance(50s);
  EXPECT_EQ(dispatcher.RunOnce()->failed, 1);
  clock_.Advance(24h);
  EXPECT_EQ(dispatcher.RunOnce()->failed, 0);
  EXPECT_EQ(failing.calls, 3);
  auto d = (*service.ListDeliveries("org-a", hook->webhook.id, 10, 0))[0];
  EXPECT_EQ(d.state, "failed");
  EXPECT_EQ(d.last_status, 0);
  EXPECT_NE(d.last_error.find("Connection refused"), std::string::npos);
  // Redelivery: a new delivery of the same event, due at once.
  auto again = service.Redeliver("org-a", hook->webhook.id, d.id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(again->id, d.id);
  EXPECT_EQ(again->event_id, d.event_id);
  EXPECT_EQ(again->body, d.body);
  EXPECT_EQ(dispatcher.RunOnce()->retried, 1);
  EXPECT_EQ(failing.calls, 4);
}

TEST_F(WebhookStoreTest, FiltersAndInactiveWebhooks) {
  auto contracts = Register("org-a", {"contract.*"});
  auto seals = Register("org-a", {"seal.used"});
  Register("org-b");
  auto q = service_->Enqueue("org-a", "contract.signed", {});
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].webhook_id, contracts.webhook.id);
  EXPECT_EQ(service_->Enqueue("org-a", "identity.verified", {})->size(), 0u);
  EXPECT_EQ(service_->Enqueue("org-a", "seal.used", {})->size(), 1u);
  EXPECT_FALSE(service_->Enqueue("org-a", "Bad Type", {}).ok());
  // Deactivated: no new deliveries, and the pending ones are cancelled.
  ASSERT_TRUE(service_->SetActive("org-a", seals.webhook.id, false).ok());
  EXPECT_EQ(service_->Enqueue("org-a", "seal.used", {})->size(), 0u);
  auto pass = dispatcher_->RunOnce();
  EXPECT_EQ(pass->delivered, 1);
  EXPECT_EQ(pass->cancelled, 1);
  EXPECT_EQ((*service_->ListDeliveries("org-a", seals.webhook.id, 10, 0))[0].state, "cancelled");
  EXPECT_EQ(service_->Redeliver("org-a", seals.webhook.id, (*q)[0].id).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(WebhookStoreTest, OrganisationsSeeOnlyTheirOwn) {
  auto a = Register("org-a");
  ASSERT_TRUE(service_->Enqueue("org-a", "contract.signed", {}).ok());
  auto d = (*service_->ListDeliveries("org-a", a.webhook.id, 10, 0))[0];
  EXPECT_EQ(service_->List("org-b")->size(), 0u);
  EXPECT_EQ(service_->Get("org-b", a.webhook.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->ListDeliveries("org-b", a.webhook.id, 10, 0).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_->Redeliver("org-b", a.webhook.id, d.id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_->Delete("org-b", a.webhook.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->SetActive("org-b", a.webhook.id, false).status().code(),
            StatusCode::kNotFound);
  // Another webhook's delivery id does not work through this webhook.
  auto b = Register("org-a");
  EXPECT_EQ(service_->Redeliver("org-a", b.webhook.id, d.id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(service_->ListAttempts("org-a", b.webhook.id, d.id).status().code(),
            StatusCode::kNotFound);
  // Delete takes the deliveries along.
  ASSERT_TRUE(service_->Delete("org-a", a.webhook.id).ok());
  EXPECT_FALSE(hooks_->GetDelivery(d.id)->has_value());
  EXPECT_EQ(service_->Get("org-a", a.webhook.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(dispatcher_->RunOnce()->delivered, 0);
}

TEST_F(WebhookStoreTest, RegistrationChecks) {
  auto reg = [&](const std::string& url, std::vector<std::string> events = {}) {
    return service_->Register("org-a", "psn-admin", {url, events, ""}).status().code();
  };
  EXPECT_EQ(reg("ftp://x.example.cn/"), StatusCode::kInvalidArgument);
  EXPECT_EQ(reg("https://user:pw@x.example.cn/"), StatusCode::kInvalidArgument);
  EXPECT_EQ(reg("https://x.example.cn/", {"Contract"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(reg("https://x.example.cn/", {"contract.**"}), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Register("org-a", "p", {"https://x.example.cn/", {}, "a\nb"}).status().code(),
            StatusCode::kInvalidArgument);
  settings_.require_https = true;
  settings_.max_webhooks_per_org = 2;
  notify::WebhookService strict(*hooks_, clock_, crypto::DefaultRng(), inst_->master_key(),
                                settings_);
  EXPECT_EQ(strict.Register("org-c", "p", {"http://x.example.cn/", {}, ""}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(strict.Register("org-c", "p", {"https://x.example.cn/", {}, ""}).ok());
  clock_.Advance(1s);  // listed in the order of creation
  EXPECT_TRUE(strict.Register("org-c", "p", {"https://y.example.cn/", {"contract.*"}, ""}).ok());
  EXPECT_EQ(strict.Register("org-c", "p", {"https://z.example.cn/", {}, ""}).status().code(),
            StatusCode::kResourceExhausted);
  auto list = *strict.List("org-c");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].events, std::vector<std::string>{"*"});
  EXPECT_EQ(list[1].events, std::vector<std::string>{"contract.*"});
}

TEST_F(WebhookStoreTest, TheDispatcherThreadDeliversWhenWoken) {
  base::SystemClock clock;
  settings_.interval = 1h;
  notify::WebhookService service(*hooks_, clock, crypto::DefaultRng(), inst_->master_key(),
                                 settings_);
  notify::WebhookDispatcher dispatcher(service, *hooks_, *poster_, clock);
  service.SetWakeup([&] { dispatcher.Notify(); });
  ASSERT_TRUE(service.Register("org-a", "p", {receiver_.url(), {}, ""}).ok());
  dispatcher.Start();
  ASSERT_TRUE(service.Enqueue("org-a", "contract.signed", {}).ok());
  EXPECT_TRUE(receiver_.WaitForRequests(1, 10s));
  dispatcher.Stop();
}

}  // namespace
}  // namespace hetong::store
