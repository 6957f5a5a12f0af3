// SecretBytes: an owned buffer of secret material (keys, key shares, passwords, seeds).
//
// - move-only; copies are explicit (`Clone()`);
// - the buffer is wiped on destruction, on reassignment and when moved from;
// - compared in constant time;
// - there is no operator<<, no fmt formatter and no implicit conversion to a span, so a
//   secret cannot be logged or streamed by accident (tests assert this at compile time);
// - the bytes are reachable only through `Reveal(SecretAccess::Unsafe())`, which is easy to
//   grep for in review.
//
// Wiping uses explicit_bzero (glibc), which the compiler may not elide; base/ does not link
// OpenSSL (only crypto/ and pki/ do), so OPENSSL_cleanse is not used here.
//
// Thread-safety: like a std::vector; const methods may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace hetong {

// A capability token: holding one says "I know I am touching secret bytes".
class SecretAccess {
 public:
  static SecretAccess Unsafe() { return SecretAccess(); }

 private:
  SecretAccess() = default;
};

class SecretBytes {
 public:
  SecretBytes() = default;
  // `size` zero bytes.
  explicit SecretBytes(size_t size);
  // Copies `data` into a new secret buffer.
  static SecretBytes Copy(std::span<const uint8_t> data);
  static SecretBytes Copy(std::string_view data);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  SecretBytes Clone() const;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  std::span<const uint8_t> Reveal(SecretAccess) const { return {data_.get(), size_}; }
  std::span<uint8_t> RevealMutable(SecretAccess) { return {data_.get(), size_}; }
  std::string_view RevealString(SecretAccess) const {
    return {reinterpret_cast<const char*>(data_.get()), size_};
  }

  // Constant-time in the contents (the lengths are not secret).
  bool Equals(const SecretBytes& other) const;

  // Wipes and empties the buffer.
  void Clear();

 private:
  void Wipe();
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
};

// Wipes `data` so that the compiler cannot remove the write.
void SecureWipe(std::span<uint8_t> data);

}  // namespace hetong
