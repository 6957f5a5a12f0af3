#include "base/secret_bytes.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <utility>

#include "base/bytes.h"

namespace hetong {

void SecureWipe(std::span<uint8_t> data) {
  if (!data.empty()) explicit_bzero(data.data(), data.size());
}

bool ConstantTimeEquals(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  volatile uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = diff | (a[i] ^ b[i]);
  return diff == 0;
}

SecretBytes::SecretBytes(size_t size)
    : data_(size ? std::make_unique<uint8_t[]>(size) : nullptr), size_(size) {}

SecretBytes SecretBytes::Copy(std::span<const uint8_t> data) {
  SecretBytes out(data.size());
  if (!data.empty()) std::copy(data.begin(), data.end(), out.data_.get());
  return out;
}

SecretBytes SecretBytes::Copy(std::string_view data) {
  return Copy(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes SecretBytes::Clone() const { return Copy(Reveal(SecretAccess::Unsafe())); }

bool SecretBytes::Equals(const SecretBytes& other) const {
  return ConstantTimeEquals(Reveal(SecretAccess::Unsafe()), other.Reveal(SecretAccess::Unsafe()));
}

void SecretBytes::Clear() {
  Wipe();
  data_.reset();
  size_ = 0;
}

void SecretBytes::Wipe() {
  if (data_) SecureWipe({data_.get(), size_});
}

}  // namespace hetong
