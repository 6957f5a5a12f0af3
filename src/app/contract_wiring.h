// The platform's side of the contract service's interfaces (contract/service.h): PDF bytes
// in the instance's blob store, and the signing environment (the instance TSA, its CA
// certificates and revocation data answered in process).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <mutex>

#include "contract/service.h"
#include "store/blob_store.h"

namespace hetong::app {

class Platform;

class BlobStoreAdapter final : public contract::BlobStorage {
 public:
  explicit BlobStoreAdapter(const store::BlobStore& blobs) : blobs_(blobs) {}
  StatusOr<std::string> Put(ByteView data) override { return blobs_.Put(data); }
  StatusOr<Bytes> Get(const std::string& name) override { return blobs_.Get(name); }

 private:
  const store::BlobStore& blobs_;
};

class PlatformSigningEnvironment final : public contract::SigningEnvironment {
 public:
  explicit PlatformSigningEnvironment(Platform& platform) : platform_(platform) {}
  StatusOr<pki::TimestampSource*> Timestamps() override;
  StatusOr<contract::ValidationData> Validation() override;
  StatusOr<std::pair<pki::Certificate, std::vector<pki::Certificate>>> CertificateOf(
      const identity::Account& account) override;

 private:
  Platform& platform_;
  std::mutex mu_;
  std::unique_ptr<pki::TimestampSource> timestamps_;
};

}  // namespace hetong::app
