#include "crypto/sm2_cosign.h"

#include "crypto/internal/sm2_math.h"
#include "crypto/sm2.h"

namespace hetong::crypto {

using internal::Sm2Curve;

namespace {

constexpr uint8_t kVersion = 1;
enum MessageType : uint8_t {
  kKeygenRequest = 1,
  kKeygenResponse = 2,
  kSignRequest = 3,
  kCommitment = 4,
  kChallenge = 5,
  kResponse = 6,
};

constexpr size_t kPoint = 65;
constexpr size_t kScalar = 32;

Bytes Message(MessageType type, std::initializer_list<ByteView> fields) {
  Bytes out{kVersion, type};
  for (auto f : fields) Append(out, f);
  return out;
}

// Checks version, type and exact length; returns the payload.
StatusOr<ByteView> Payload(ByteView msg, MessageType type, size_t payload_len,
                           std::string_view name) {
  if (msg.size() != 2 + payload_len || msg[0] != kVersion || msg[1] != type) {
    return InvalidArgumentError("collaborative signing: malformed " + std::string(name) +
                                " message");
  }
  return msg.subspan(2);
}

// Scalar in [1, n-1] from 32 bytes.
StatusOr<BnPtr> Scalar(const Sm2Curve& curve, ByteView b) {
  BnPtr v = BnFromBytes(b);
  if (BN_is_zero(v.get()) || BN_cmp(v.get(), curve.order()) >= 0) {
    return InvalidArgumentError("collaborative signing: scalar out of range");
  }
  return v;
}

BnPtr SecretScalar(const SecretBytes& s) {
  BnPtr v = BnFromBytes(s.Reveal(SecretAccess::Unsafe()));
  BN_set_flags(v.get(), BN_FLG_CONSTTIME);
  return v;
}

}  // namespace

// ---- client ----

struct Sm2CosignClient::State {
  const Sm2Curve* curve;
  BnPtr d1;
  EcPointPtr p1;
  EcPointPtr ppub;  // null until key generation completes
};

Sm2CosignClient::Sm2CosignClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
Sm2CosignClient::Sm2CosignClient(Sm2CosignClient&&) noexcept = default;
Sm2CosignClient& Sm2CosignClient::operator=(Sm2CosignClient&&) noexcept = default;
Sm2CosignClient::~Sm2CosignClient() = default;

StatusOr<Sm2CosignClient> Sm2CosignClient::Generate() {
  const Sm2Curve& curve = Sm2Curve::Recommended();
  auto st = std::make_unique<State>();
  st->curve = &curve;
  HETONG_ASSIGN_OR_RETURN(st->d1, curve.RandomScalar());
  st->p1 = curve.Mul(st->d1.get(), nullptr, nullptr);
  return Sm2CosignClient(std::move(st));
}

StatusOr<Sm2CosignClient> Sm2CosignClient::FromShare(const SecretBytes& d1) {
  const Sm2Curve& curve = Sm2Curve::Recommended();
  if (d1.size() != kScalar) return InvalidArgumentError("a client share is 32 bytes");
  auto st = std::make_unique<State>();
  st->curve = &curve;
  st->d1 = SecretScalar(d1);
  if (BN_is_zero(st->d1.get()) || BN_cmp(st->d1.get(), curve.order()) >= 0) {
    return InvalidArgumentError("the client share is out of range");
  }
  st->p1 = curve.Mul(st->d1.get(), nullptr, nullptr);
  return Sm2CosignClient(std::move(st));
}

StatusOr<Sm2CosignClient> Sm2CosignClient::FromShare(const SecretBytes& d1,
                                                     ByteView joint_public_point) {
  HETONG_ASSIGN_OR_RETURN(Sm2CosignClient c, FromShare(d1));
  HETONG_ASSIGN_OR_RETURN(c.state_->ppub, c.state_->curve->DecodePoint(joint_public_point));
  return c;
}

Bytes Sm2CosignClient::KeygenRequest() const {
  return Message(kKeygenRequest, {state_->curve->EncodePoint(state_->p1.get())});
}

Status Sm2CosignClient::FinishKeygen(ByteView response) {
  const Sm2Curve& curve = *state_->curve;
  HETONG_ASSIGN_OR_RETURN(ByteView p,
                          Payload(response, kKeygenResponse, 2 * kPoint, "key generation"));
  HETONG_ASSIGN_OR_RETURN(EcPointPtr p2, curve.DecodePoint(p.first(kPoint)));
  HETONG_ASSIGN_OR_RETURN(EcPointPtr ppub, curve.DecodePoint(p.subspan(kPoint)));
  // Ppub must equal [d1]P2 − G.
  EcPointPtr g = curve.Mul(BN_value_one(), nullptr, nullptr);
  EcPointPtr expect =
      curve.Add(curve.Mul(nullptr, p2.get(), state_->d1.get()).get(), curve.Negate(g.get()).get());
  if (EC_POINT_cmp(curve.group(), expect.get(), ppub.get(), nullptr) != 0) {
    return UnauthenticatedError(
        "collaborative key generation: the server's joint key is "
        "inconsistent with its share");
  }
  state_->ppub = std::move(ppub);
  return OkStatus();
}

StatusOr<PublicKey> Sm2CosignClient::public_key() const {
  if (!state_->ppub) return FailedPreconditionError("key generation has not completed");
  return PublicKey::FromSm2Point(state_->curve->EncodePoint(state_->ppub.get()));
}

SecretBytes Sm2CosignClient::ExportShare() const { return BnToSecret(state_->d1.get(), kScalar); }

struct Sm2CosignClientSession::State {
  const Sm2CosignClient::State* client;
  Bytes e;
  BnPtr k3;
  BnPtr r;
  bool finished = false;
};

Sm2CosignClientSession::Sm2CosignClientSession(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
Sm2CosignClientSession::~Sm2CosignClientSession() = default;

StatusOr<std::unique_ptr<Sm2CosignClientSession>> Sm2CosignClient::BeginSign(
    ByteView message, std::string_view id) const {
  HETONG_ASSIGN_OR_RETURN(PublicKey pub, public_key());
  HETONG_ASSIGN_OR_RETURN(Bytes e, Sm2MessageDigest(pub, message, id));
  auto st = std::make_unique<Sm2CosignClientSession::State>();
  st->client = state_.get();
  st->e = e;
  std::unique_ptr<Sm2CosignClientSession> session(new Sm2CosignClientSession(std::move(st)));
  session->request_ = Message(kSignRequest, {e});
  return session;
}

StatusOr<Bytes> Sm2CosignClientSession::Respond(ByteView commitment) {
  const Sm2Curve& curve = *state_->client->curve;
  if (state_->k3)
    return FailedPreconditionError("collaborative signing: commitment already answered");
  HETONG_ASSIGN_OR_RETURN(ByteView p, Payload(commitment, kCommitment, 2 * kPoint, "commitment"));
  HETONG_ASSIGN_OR_RETURN(EcPointPtr r1, curve.DecodePoint(p.first(kPoint)));
  HETONG_ASSIGN_OR_RETURN(EcPointPtr r2, curve.DecodePoint(p.subspan(kPoint)));
  BnCtxPtr ctx(BN_CTX_new());
  const BIGNUM* n = curve.order();
  BnPtr ebn = BnFromBytes(state_->e);
  for (int attempt = 0; attempt < 8; ++attempt) {
    HETONG_ASSIGN_OR_RETURN(BnPtr k3, curve.RandomScalar());
    HETONG_ASSIGN_OR_RETURN(BnPtr k4, curve.RandomScalar());
    // X = [k3]R1 + R2 + [k4]G
    EcPointPtr x = curve.Add(curve.Mul(k4.get(), r1.get(), k3.get()).get(), r2.get());
    if (curve.IsInfinity(x.get())) continue;
    Bytes x1, y1;
    curve.Coordinates(x.get(), &x1, &y1);
    BnPtr r(BN_new());
    BN_mod_add(r.get(), ebn.get(), BnFromBytes(x1).get(), n, ctx.get());
    if (BN_is_zero(r.get())) continue;
    // [r]G + X must not be the identity (r + k ≠ n).
    if (curve.IsInfinity(curve.Add(curve.Mul(r.get(), nullptr, nullptr).get(), x.get()).get())) {
      continue;
    }
    BnPtr rp(BN_new());
    BN_mod_add(rp.get(), r.get(), k4.get(), n, ctx.get());
    state_->k3 = std::move(k3);
    state_->r = std::move(r);
    return Message(kChallenge, {BnToBytes(rp.get(), kScalar)});
  }
  return FailedPreconditionError("collaborative signing: degenerate commitment, start again");
}

StatusOr<Bytes> Sm2CosignClientSession::Finish(ByteView response) {
  const Sm2Curve& curve = *state_->client->curve;
  if (!state_->k3 || state_->finished) {
    return FailedPreconditionError("collaborative signing: Finish called out of order");
  }
  state_->finished = true;
  HETONG_ASSIGN_OR_RETURN(ByteView p, Payload(response, kResponse, 2 * kScalar, "response"));
  HETONG_ASSIGN_OR_RETURN(BnPtr s1, Scalar(curve, p.first(kScalar)));
  HETONG_ASSIGN_OR_RETURN(BnPtr s2, Scalar(curve, p.subspan(kScalar)));
  BnCtxPtr ctx(BN_CTX_new());
  const BIGNUM* n = curve.order();
  // s = k3·s1 + s2·d1^-1 − r
  BnPtr d1inv(BN_secure_new()), s(BN_new()), t(BN_new());
  if (!BN_mod_inverse(d1inv.get(), state_->client->d1.get(), n, ctx.get())) {
    return InternalError("client share not invertible");
  }
  BN_mod_mul(s.get(), state_->k3.get(), s1.get(), n, ctx.get());
  BN_mod_mul(t.get(), s2.get(), d1inv.get(), n, ctx.get());
  BN_mod_add(s.get(), s.get(), t.get(), n, ctx.get());
  BN_mod_sub(s.get(), s.get(), state_->r.get(), n, ctx.get());
  if (BN_is_zero(s.get()))
    return FailedPreconditionError("collaborative signing: s = 0, start again");
  Bytes rb = BnToBytes(state_->r.get(), kScalar), sb = BnToBytes(s.get(), kScalar);
  Status ok = internal::VerifyDigest(curve, state_->client->ppub.get(), state_->e, rb, sb);
  if (!ok.ok()) {
    return UnauthenticatedError(
        "collaborative signing: the combined signature does not verify "
        "(a protocol message was altered or the shares do not match)");
  }
  return EncodeEcSignatureDer(rb, sb);
}

// ---- server ----

struct Sm2CosignServer::State {
  const Sm2Curve* curve;
  BnPtr d2;
  EcPointPtr p1;  // null until key generation
};

Sm2CosignServer::Sm2CosignServer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Sm2CosignServer::Sm2CosignServer(Sm2CosignServer&&) noexcept = default;
Sm2CosignServer& Sm2CosignServer::operator=(Sm2CosignServer&&) noexcept = default;
Sm2CosignServer::~Sm2CosignServer() = default;

StatusOr<Sm2CosignServer> Sm2CosignServer::Generate() {
  const Sm2Curve& curve = Sm2Curve::Recommended();
  auto st = std::make_unique<State>();
  st->curve = &curve;
  HETONG_ASSIGN_OR_RETURN(st->d2, curve.RandomScalar());
  return Sm2CosignServer(std::move(st));
}

StatusOr<Sm2CosignServer> Sm2CosignServer::FromShare(const SecretBytes& d2, ByteView client_point) {
  const Sm2Curve& curve = Sm2Curve::Recommended();
  if (d2.size() != kScalar) return InvalidArgumentError("a server share is 32 bytes");
  auto st = std::make_unique<State>();
  st->curve = &curve;
  st->d2 = SecretScalar(d2);
  if (BN_is_zero(st->d2.get()) || BN_cmp(st->d2.get(), curve.order()) >= 0) {
    return InvalidArgumentError("the server share is out of range");
  }
  HETONG_ASSIGN_OR_RETURN(st->p1, curve.DecodePoint(client_point));
  return Sm2CosignServer(std::move(st));
}

StatusOr<Bytes> Sm2CosignServer::HandleKeygen(ByteView request) {
  const Sm2Curve& curve = *state_->curve;
  if (state_->p1) return FailedPreconditionError("key generation already done for this share");
  HETONG_ASSIGN_OR_RETURN(ByteView p, Payload(request, kKeygenRequest, kPoint, "key generation"));
  HETONG_ASSIGN_OR_RETURN(EcPointPtr p1, curve.DecodePoint(p));
  EcPointPtr p2 = curve.Mul(state_->d2.get(), nullptr, nullptr);
  EcPointPtr g = curve.Mul(BN_value_one(), nullptr, nullptr);
  EcPointPtr ppub =
      curve.Add(curve.Mul(nullptr, p1.get(), state_->d2.get()).get(), curve.Negate(g.get()).get());
  if (curve.IsInfinity(ppub.get())) {
    return InvalidArgumentError("collaborative key generation: degenerate client share");
  }
  state_->p1 = std::move(p1);
  return Message(kKeygenResponse, {curve.EncodePoint(p2.get()), curve.EncodePoint(ppub.get())});
}

StatusOr<Bytes> Sm2CosignServer::client_point() const {
  if (!state_->p1) return FailedPreconditionError("key generation has not happened");
  return state_->curve->EncodePoint(state_->p1.get());
}

StatusOr<PublicKey> Sm2CosignServer::public_key() const {
  const Sm2Curve& curve = *state_->curve;
  if (!state_->p1) return FailedPreconditionError("key generation has not happened");
  EcPointPtr g = curve.Mul(BN_value_one(), nullptr, nullptr);
  EcPointPtr ppub = curve.Add(curve.Mul(nullptr, state_->p1.get(), state_->d2.get()).get(),
                              curve.Negate(g.get()).get());
  return PublicKey::FromSm2Point(curve.EncodePoint(ppub.get()));
}

SecretBytes Sm2CosignServer::ExportShare() const { return BnToSecret(state_->d2.get(), kScalar); }

struct Sm2CosignServerSession::State {
  const Sm2CosignServer::State* server;
  BnPtr k1;
  BnPtr k2;
  bool used = false;
};

Sm2CosignServerSession::Sm2CosignServerSession(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
Sm2CosignServerSession::~Sm2CosignServerSession() = default;

StatusOr<std::unique_ptr<Sm2CosignServerSession>> Sm2CosignServer::BeginSign(
    ByteView sign_request) const {
  const Sm2Curve& curve = *state_->curve;
  if (!state_->p1) return FailedPreconditionError("key generation has not happened");
  HETONG_ASSIGN_OR_RETURN(ByteView e, Payload(sign_request, kSignRequest, kScalar, "sign request"));
  auto st = std::make_unique<Sm2CosignServerSession::State>();
  st->server = state_.get();
  HETONG_ASSIGN_OR_RETURN(st->k1, curve.RandomScalar());
  HETONG_ASSIGN_OR_RETURN(st->k2, curve.RandomScalar());
  EcPointPtr r1 = curve.Mul(nullptr, state_->p1.get(), st->k1.get());
  EcPointPtr r2 = curve.Mul(st->k2.get(), nullptr, nullptr);
  std::unique_ptr<Sm2CosignServerSession> session(new Sm2CosignServerSession(std::move(st)));
  session->commitment_ =
      Message(kCommitment, {curve.EncodePoint(r1.get()), curve.EncodePoint(r2.get())});
  session->digest_ = Bytes(e.begin(), e.end());
  return session;
}

StatusOr<Bytes> Sm2CosignServerSession::Respond(ByteView challenge) {
  const Sm2Curve& curve = *state_->server->curve;
  if (state_->used) return FailedPreconditionError("collaborative signing: session already used");
  state_->used = true;
  HETONG_ASSIGN_OR_RETURN(ByteView p, Payload(challenge, kChallenge, kScalar, "challenge"));
  BnPtr rp = BnFromBytes(p);
  if (BN_cmp(rp.get(), curve.order()) >= 0) {
    return InvalidArgumentError("collaborative signing: challenge out of range");
  }
  BnCtxPtr ctx(BN_CTX_new());
  const BIGNUM* n = curve.order();
  BnPtr d2inv(BN_secure_new()), s1(BN_new()), s2(BN_new());
  if (!BN_mod_inverse(d2inv.get(), state_->server->d2.get(), n, ctx.get())) {
    return InternalError("server share not invertible");
  }
  BN_mod_mul(s1.get(), state_->k1.get(), d2inv.get(), n, ctx.get());
  BN_mod_add(s2.get(), rp.get(), state_->k2.get(), n, ctx.get());
  BN_mod_mul(s2.get(), s2.get(), d2inv.get(), n, ctx.get());
  state_->k1.reset();
  state_->k2.reset();
  if (BN_is_zero(s1.get()) || BN_is_zero(s2.get())) {
    return FailedPreconditionError("collaborative signing: degenerate response, start again");
  }
  return Message(kResponse, {BnToBytes(s1.get(), kScalar), BnToBytes(s2.get(), kScalar)});
}

}  // namespace hetong::crypto
