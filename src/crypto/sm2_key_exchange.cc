#include "crypto/sm2_key_exchange.h"

#include "crypto/hash.h"
#include "crypto/internal/sm2_kex.h"
#include "crypto/mac.h"

namespace hetong::crypto {

namespace internal {
namespace {

// x̄ = 2^w + (x AND (2^w − 1)), w = ceil(ceil(log2 n)/2) − 1.
BnPtr XBar(const Sm2Curve& curve, const EC_POINT* point) {
  int w = (BN_num_bits(curve.order()) + 1) / 2 - 1;
  Bytes x, y;
  curve.Coordinates(point, &x, &y);
  BnPtr v = BnFromBytes(x);
  BN_mask_bits(v.get(), w);
  BN_set_bit(v.get(), w);
  return v;
}

}  // namespace

StatusOr<KexOutput> Sm2KexDerive(const Sm2Curve& curve, bool initiator, const BIGNUM* d,
                                 const BIGNUM* own_r, const EC_POINT* own_R, const EC_POINT* peer_P,
                                 const EC_POINT* peer_R, ByteView za, ByteView zb, size_t key_len) {
  if (key_len == 0 || key_len > 1024)
    return InvalidArgumentError("key length must be 1..1024 bytes");
  BnCtxPtr ctx(BN_CTX_new());
  const BIGNUM* n = curve.order();
  // t = (d + x̄_own · r) mod n
  BnPtr xbar_own = XBar(curve, own_R);
  BnPtr t(BN_secure_new());
  BN_mod_mul(t.get(), xbar_own.get(), own_r, n, ctx.get());
  BN_mod_add(t.get(), t.get(), d, n, ctx.get());
  // U (or V) = [h·t](P_peer + [x̄_peer] R_peer), h = 1
  BnPtr xbar_peer = XBar(curve, peer_R);
  EcPointPtr sum = curve.Add(peer_P, curve.Mul(nullptr, peer_R, xbar_peer.get()).get());
  EcPointPtr u = curve.Mul(nullptr, sum.get(), t.get());
  if (curve.IsInfinity(u.get()))
    return InvalidArgumentError("key exchange failed: degenerate point");
  Bytes xu, yu;
  curve.Coordinates(u.get(), &xu, &yu);
  Bytes x1, y1, x2, y2;  // x1,y1 = R_A (initiator); x2,y2 = R_B (responder)
  curve.Coordinates(initiator ? own_R : peer_R, &x1, &y1);
  curve.Coordinates(initiator ? peer_R : own_R, &x2, &y2);
  KexOutput out;
  out.key = Sm3Kdf(Concat(xu, yu, za, zb), key_len);
  Bytes inner = Sm3(Concat(xu, za, zb, x1, y1, x2, y2));
  Bytes p02{0x02}, p03{0x03};
  out.s02 = Sm3(Concat(p02, yu, inner));
  out.s03 = Sm3(Concat(p03, yu, inner));
  SecureWipe(xu);
  SecureWipe(yu);
  return out;
}

}  // namespace internal

struct Sm2KeyExchange::State {
  Role role;
  const internal::Sm2Curve* curve;
  BnPtr d;
  BnPtr r;
  EcPointPtr own_R;
  EcPointPtr peer_P;
  Bytes za, zb;
  Bytes expected_peer_confirmation;  // set by Respond
};

Sm2KeyExchange::Sm2KeyExchange(std::unique_ptr<State> state) : state_(std::move(state)) {
  ephemeral_public_ = state_->curve->EncodePoint(state_->own_R.get());
}

Sm2KeyExchange::~Sm2KeyExchange() = default;

StatusOr<std::unique_ptr<Sm2KeyExchange>> Sm2KeyExchange::Create(Role role, const PrivateKey& own,
                                                                 std::string_view own_id,
                                                                 const PublicKey& peer,
                                                                 std::string_view peer_id) {
  const internal::Sm2Curve& curve = internal::Sm2Curve::Recommended();
  auto st = std::make_unique<State>();
  st->role = role;
  st->curve = &curve;
  HETONG_ASSIGN_OR_RETURN(st->d, internal::PrivateScalar(own));
  HETONG_ASSIGN_OR_RETURN(st->peer_P, internal::PublicPoint(curve, peer));
  HETONG_ASSIGN_OR_RETURN(EcPointPtr own_P, internal::PublicPoint(curve, own.public_key()));
  HETONG_ASSIGN_OR_RETURN(st->r, curve.RandomScalar());
  st->own_R = curve.Mul(st->r.get(), nullptr, nullptr);
  Bytes z_own = curve.ZValue(AsBytes(own_id), own_P.get());
  Bytes z_peer = curve.ZValue(AsBytes(peer_id), st->peer_P.get());
  st->za = role == Role::kInitiator ? z_own : z_peer;
  st->zb = role == Role::kInitiator ? z_peer : z_own;
  return std::unique_ptr<Sm2KeyExchange>(new Sm2KeyExchange(std::move(st)));
}

StatusOr<Sm2KeyExchangeResult> Sm2KeyExchange::Respond(ByteView peer_ephemeral, size_t key_len) {
  if (state_->role != Role::kResponder)
    return FailedPreconditionError("Respond is for the responder");
  HETONG_ASSIGN_OR_RETURN(EcPointPtr peer_R, state_->curve->DecodePoint(peer_ephemeral));
  HETONG_ASSIGN_OR_RETURN(
      internal::KexOutput o,
      internal::Sm2KexDerive(*state_->curve, false, state_->d.get(), state_->r.get(),
                             state_->own_R.get(), state_->peer_P.get(), peer_R.get(), state_->za,
                             state_->zb, key_len));
  state_->expected_peer_confirmation = o.s03;
  return Sm2KeyExchangeResult{std::move(o.key), o.s02};
}

StatusOr<Sm2KeyExchangeResult> Sm2KeyExchange::Complete(ByteView peer_ephemeral,
                                                        ByteView peer_confirmation,
                                                        size_t key_len) {
  if (state_->role != Role::kInitiator)
    return FailedPreconditionError("Complete is for the initiator");
  HETONG_ASSIGN_OR_RETURN(EcPointPtr peer_R, state_->curve->DecodePoint(peer_ephemeral));
  HETONG_ASSIGN_OR_RETURN(
      internal::KexOutput o,
      internal::Sm2KexDerive(*state_->curve, true, state_->d.get(), state_->r.get(),
                             state_->own_R.get(), state_->peer_P.get(), peer_R.get(), state_->za,
                             state_->zb, key_len));
  if (!ConstantTimeEquals(o.s02, peer_confirmation)) {
    return UnauthenticatedError("key confirmation from the responder does not match");
  }
  return Sm2KeyExchangeResult{std::move(o.key), o.s03};
}

Status Sm2KeyExchange::ConfirmPeer(ByteView peer_confirmation) const {
  if (state_->expected_peer_confirmation.empty()) {
    return FailedPreconditionError("call Respond before ConfirmPeer");
  }
  if (!ConstantTimeEquals(state_->expected_peer_confirmation, peer_confirmation)) {
    return UnauthenticatedError("key confirmation from the initiator does not match");
  }
  return OkStatus();
}

}  // namespace hetong::crypto
