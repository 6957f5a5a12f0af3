// The wiring of a hetong instance: the store, repositories, key center, CA and OCSP
// responder, assembled from an instance directory. Used by `hetong serve` and by the
// administrative commands (`hetong ca ...`).
//
// Thread-safety: the components are safe for concurrent use once opened.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "ca/authority.h"
#include "keycenter/key_center.h"
#include "ocsp/responder.h"
#include "store/instance.h"
#include "store/sql_repositories.h"
#include "tsa/authority.h"

namespace hetong::app {

class Platform {
 public:
  // `serving`: take the instance's serving lock.
  static StatusOr<std::unique_ptr<Platform>> Open(const std::string& dir, bool serving);
  // Creates the CA hierarchy and service certificates of a freshly initialised instance.
  static Status Bootstrap(const std::string& dir);
  ~Platform();

  store::Instance& instance() { return *instance_; }
  keycenter::KeyCenter& keys() { return *keys_; }
  ca::CertificateAuthority& ca() { return *ca_; }
  ocsp::OcspResponder& ocsp() { return *ocsp_; }
  // The TSA (created on first use: it needs the TSA certificates).
  StatusOr<tsa::TimeStampAuthority*> tsa();
  const base::Clock& clock() const { return base::SystemClock::Get(); }

  // Makes sure every issuing CA has a current OCSP responder certificate and installs them.
  Status RefreshOcspResponders();

 private:
  Platform() = default;
  static ca::CaSettings SettingsFrom(const store::Instance& instance);
  std::unique_ptr<store::Instance> instance_;
  std::unique_ptr<store::SqlKeyRepository> key_repo_;
  std::unique_ptr<store::SqlCaRepository> ca_repo_;
  std::unique_ptr<keycenter::SoftwareDevice> device_;
  std::unique_ptr<keycenter::KeyCenter> keys_;
  std::unique_ptr<ca::CertificateAuthority> ca_;
  std::unique_ptr<ocsp::StatusLookup> status_lookup_;
  std::unique_ptr<ocsp::OcspResponder> ocsp_;
  std::unique_ptr<store::SqlTokenLog> token_log_;
  std::unique_ptr<tsa::TimeStampAuthority> tsa_;
  std::mutex tsa_mu_;
};

}  // namespace hetong::app
