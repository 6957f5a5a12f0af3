#include "crypto/drbg.h"

#include "crypto/hash.h"
#include "crypto/random.h"

namespace hetong::crypto {
namespace {

constexpr size_t kOutLen = 32;

// Hash_df (SP 800-90A §10.3.1) to seedlen bytes.
SecretBytes HashDf(std::initializer_list<ByteView> inputs) {
  SecretBytes out(HashDrbgSm3::kSeedLen);
  auto dst = out.RevealMutable(SecretAccess::Unsafe());
  uint8_t counter = 1;
  size_t off = 0;
  while (off < dst.size()) {
    auto h = Hasher::Create(HashAlgorithm::kSm3);
    HETONG_CHECK(h.ok());
    uint8_t head[5] = {counter++, 0, 0, 0, 0};
    StoreU32Be(head + 1, static_cast<uint32_t>(HashDrbgSm3::kSeedLen * 8));
    h->Update(head);
    for (auto in : inputs) h->Update(in);
    Bytes block = h->Finish();
    size_t take = std::min(block.size(), dst.size() - off);
    std::copy(block.begin(), block.begin() + static_cast<ptrdiff_t>(take),
              dst.begin() + static_cast<ptrdiff_t>(off));
    off += take;
    SecureWipe(block);
  }
  return out;
}

// acc = (acc + addend) mod 2^(8*acc.size()); addend is right-aligned.
void AddInto(std::span<uint8_t> acc, ByteView addend) {
  unsigned carry = 0;
  size_t n = acc.size(), m = addend.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned sum = acc[n - 1 - i] + carry + (i < m ? addend[m - 1 - i] : 0u);
    acc[n - 1 - i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
  }
}

}  // namespace

StatusOr<HashDrbgSm3> HashDrbgSm3::Instantiate(const SecretBytes& entropy, ByteView nonce,
                                               ByteView personalization) {
  if (entropy.size() < kMinEntropy)
    return InvalidArgumentError("Hash_DRBG needs at least 256 bits of entropy");
  if (nonce.size() < kMinNonce)
    return InvalidArgumentError("Hash_DRBG needs a nonce of at least 128 bits");
  HashDrbgSm3 d;
  d.v_ = HashDf({entropy.Reveal(SecretAccess::Unsafe()), nonce, personalization});
  uint8_t zero = 0x00;
  d.c_ = HashDf({ByteView(&zero, 1), d.v_.Reveal(SecretAccess::Unsafe())});
  d.reseed_counter_ = 1;
  return d;
}

Status HashDrbgSm3::Reseed(const SecretBytes& entropy, ByteView additional) {
  if (entropy.size() < kMinEntropy)
    return InvalidArgumentError("Hash_DRBG needs at least 256 bits of entropy");
  uint8_t one = 0x01, zero = 0x00;
  v_ = HashDf({ByteView(&one, 1), v_.Reveal(SecretAccess::Unsafe()),
               entropy.Reveal(SecretAccess::Unsafe()), additional});
  c_ = HashDf({ByteView(&zero, 1), v_.Reveal(SecretAccess::Unsafe())});
  reseed_counter_ = 1;
  return OkStatus();
}

Status HashDrbgSm3::Generate(std::span<uint8_t> out, ByteView additional) {
  if (out.size() > kMaxRequest) return InvalidArgumentError("Hash_DRBG request too large");
  if (reseed_counter_ > kReseedInterval)
    return FailedPreconditionError("Hash_DRBG must be reseeded");
  auto v = v_.RevealMutable(SecretAccess::Unsafe());
  if (!additional.empty()) {
    auto h = Hasher::Create(HashAlgorithm::kSm3);
    HETONG_CHECK(h.ok());
    uint8_t two = 0x02;
    h->Update(ByteView(&two, 1));
    h->Update(v);
    h->Update(additional);
    Bytes w = h->Finish();
    AddInto(v, w);
  }
  // Hashgen: SM3(data) || SM3(data + 1) || ...
  Bytes data(v.begin(), v.end());
  size_t off = 0;
  uint8_t one = 1;
  while (off < out.size()) {
    Bytes block = Sm3(data);
    size_t take = std::min(kOutLen, out.size() - off);
    std::copy(block.begin(), block.begin() + static_cast<ptrdiff_t>(take),
              out.begin() + static_cast<ptrdiff_t>(off));
    off += take;
    AddInto(data, ByteView(&one, 1));
    SecureWipe(block);
  }
  SecureWipe(data);
  // V = V + H + C + reseed_counter, H = SM3(0x03 || V)
  auto h = Hasher::Create(HashAlgorithm::kSm3);
  HETONG_CHECK(h.ok());
  uint8_t three = 0x03;
  h->Update(ByteView(&three, 1));
  h->Update(v);
  Bytes hh = h->Finish();
  AddInto(v, hh);
  AddInto(v, c_.Reveal(SecretAccess::Unsafe()));
  Bytes rc;
  AppendU64Be(rc, reseed_counter_);
  AddInto(v, rc);
  ++reseed_counter_;
  return OkStatus();
}

StatusOr<SecretBytes> CombineEntropy(ByteView client_info, const SecretBytes& server_random) {
  if (server_random.size() < 256) {
    return InvalidArgumentError("the server random must be at least 2048 bits");
  }
  if (client_info.empty()) return InvalidArgumentError("client entropy input is empty");
  Bytes client = Sm3(client_info);
  Bytes server = Sm3(server_random.Reveal(SecretAccess::Unsafe()));
  SecretBytes out(32);
  auto o = out.RevealMutable(SecretAccess::Unsafe());
  for (size_t i = 0; i < 32; ++i) o[i] = client[i] ^ server[i];
  SecureWipe(client);
  SecureWipe(server);
  return out;
}

StatusOr<std::unique_ptr<Sm3DrbgRng>> Sm3DrbgRng::Create(Rng& entropy_source,
                                                         uint64_t reseed_every) {
  HETONG_ASSIGN_OR_RETURN(SecretBytes entropy, RandomSecret(entropy_source, 48));
  HETONG_ASSIGN_OR_RETURN(Bytes nonce, RandomBytes(entropy_source, 16));
  HETONG_ASSIGN_OR_RETURN(HashDrbgSm3 drbg,
                          HashDrbgSm3::Instantiate(entropy, nonce, AsBytes("hetong Sm3DrbgRng")));
  return std::unique_ptr<Sm3DrbgRng>(
      new Sm3DrbgRng(entropy_source, std::move(drbg), reseed_every == 0 ? 1 : reseed_every));
}

Status Sm3DrbgRng::Generate(std::span<uint8_t> out) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t off = 0;
  while (off < out.size()) {
    if (since_reseed_ >= reseed_every_) {
      HETONG_ASSIGN_OR_RETURN(SecretBytes entropy, RandomSecret(source_, 48));
      HETONG_RETURN_IF_ERROR(drbg_.Reseed(entropy));
      since_reseed_ = 0;
    }
    size_t n = std::min(out.size() - off, HashDrbgSm3::kMaxRequest);
    Status s = drbg_.Generate(out.subspan(off, n));
    if (!s.ok()) {
      SecureWipe(out);
      return s;
    }
    ++since_reseed_;
    off += n;
  }
  return OkStatus();
}

}  // namespace hetong::crypto
