// An instance of hetong is a data directory:
//
//   DIR/                 0700
//     hetong.conf        configuration (base/config.h), 0600
//     hetong.db          SQLite database (WAL), migrated on open
//     blobs/             content-addressed blob store
//     keys/master.key    the master key, 0600 (docs/formats/master-key.md); it wraps every
//                        private key the instance stores. Protected by file permissions for
//                        now; an HSM-held key replaces it later.
//     lock               held (flock) by the `hetong serve` process
//
// `Instance::Init` creates one, `Instance::Open` opens it: checks permissions, takes the lock
// when serving (two servers on one directory are refused), loads the configuration and
// master key, opens the database and runs migrations.
//
// Thread-safety: the Instance is shared read-only after Open; database access goes through
// `WithConnection`, which serialises use of the single SQLite connection.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/config.h"
#include "base/rng.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "store/blob_store.h"
#include "store/sql.h"

namespace hetong::store {

struct InitOptions {
  std::string public_url;  // default http://<listen>
  std::string listen = "127.0.0.1:8080";
  bool demo = false;
  std::string name = "hetong";
};

class Instance {
 public:
  // Creates DIR (which must not exist or be empty). Fails with AlreadyExists if DIR already
  // holds an instance.
  static Status Init(const std::string& dir, const InitOptions& options, Rng& rng);
  // `exclusive`: take the serving lock (one `hetong serve` per instance). Administrative
  // commands open without it and may run beside the server (SQLite orders the writes).
  static StatusOr<std::unique_ptr<Instance>> Open(const std::string& dir, bool exclusive = true);
  ~Instance();

  const std::string& dir() const { return dir_; }
  const base::Config& config() const { return config_; }
  const BlobStore& blobs() const { return blobs_; }
  const SecretBytes& master_key() const { return master_key_; }
  std::string instance_id() const;
  bool demo() const;

  // Runs `fn` with exclusive use of the database connection.
  template <typename Fn>
  auto WithConnection(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
    std::lock_guard<std::mutex> lock(db_mu_);
    return fn(*db_);
  }

 private:
  Instance() : blobs_("") {}
  std::string dir_;
  base::Config config_;
  BlobStore blobs_;
  SecretBytes master_key_;
  std::mutex db_mu_;
  std::unique_ptr<Connection> db_;
  int lock_fd_ = -1;
};

// Reads a master key file; refuses one that other users can read.
StatusOr<SecretBytes> LoadMasterKey(const std::string& path);

}  // namespace hetong::store
