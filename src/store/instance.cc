#include "store/instance.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/clock.h"
#include "base/encoding.h"
#include "base/file.h"
#include "store/migrations.h"

namespace hetong::store {

namespace {

constexpr std::string_view kMasterKeyHeader = "hetong-master-key v1\n";

std::string ConfPath(const std::string& dir) { return dir + "/hetong.conf"; }
std::string DbPath(const std::string& dir) { return dir + "/hetong.db"; }
std::string MasterKeyPath(const std::string& dir) { return dir + "/keys/master.key"; }

}  // namespace

StatusOr<SecretBytes> LoadMasterKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return base::ErrnoStatus(errno, "cannot read the master key", path);
  if (st.st_mode & 077) {
    return PermissionDeniedError("the master key '" + path +
                                 "' is readable by other users; run: chmod 600 " + path);
  }
  HETONG_ASSIGN_OR_RETURN(Bytes raw, base::ReadFile(path));
  SecretBytes text = SecretBytes::Copy(raw);
  SecureWipe(raw);
  std::string_view s = text.RevealString(SecretAccess::Unsafe());
  if (s.rfind(kMasterKeyHeader, 0) != 0) {
    return DataLossError("'" + path + "' is not a hetong master key file");
  }
  std::string_view hex = s.substr(kMasterKeyHeader.size());
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
  auto key = base::HexDecode(hex);
  if (!key.ok() || key->size() != 32) {
    return DataLossError("the master key file '" + path + "' is damaged");
  }
  SecretBytes out = SecretBytes::Copy(*key);
  SecureWipe(*key);
  return out;
}

Status Instance::Init(const std::string& dir, const InitOptions& options, Rng& rng) {
  if (base::PathExists(ConfPath(dir)) || base::PathExists(MasterKeyPath(dir))) {
    return AlreadyExistsError("'" + dir + "' already holds a hetong instance");
  }
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return AlreadyExistsError("'" + dir + "' exists and is not empty; choose a new directory");
  }
  HETONG_RETURN_IF_ERROR(base::MakeDirs(dir, 0700));
  ::chmod(dir.c_str(), 0700);
  HETONG_RETURN_IF_ERROR(base::MakeDirs(dir + "/keys", 0700));
  HETONG_RETURN_IF_ERROR(base::MakeDirs(dir + "/blobs", 0700));

  // Master key: 32 random bytes.
  SecretBytes key(32);
  HETONG_RETURN_IF_ERROR(rng.Generate(key.RevealMutable(SecretAccess::Unsafe())));
  std::string text =
      std::string(kMasterKeyHeader) + base::HexEncode(key.Reveal(SecretAccess::Unsafe())) + "\n";
  Status ks = base::WriteFileExclusive(MasterKeyPath(dir), AsBytes(text), 0600);
  SecureWipe(std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
  HETONG_RETURN_IF_ERROR(ks);

  Bytes id(16);
  HETONG_RETURN_IF_ERROR(rng.Generate(id));
  base::Config cfg;
  cfg.Set("instance.id", base::HexEncode(id));
  cfg.Set("instance.name", options.name);
  cfg.Set("instance.demo", options.demo ? "true" : "false");
  cfg.Set("instance.public_url",
          options.public_url.empty() ? "http://" + options.listen : options.public_url);
  cfg.Set("server.listen", options.listen);
  cfg.Set("log.level", "info");
  cfg.Set("log.format", "text");

  HETONG_ASSIGN_OR_RETURN(auto db, Connection::OpenSqlite(DbPath(dir)));
  HETONG_RETURN_IF_ERROR(Migrate(*db).status());
  HETONG_ASSIGN_OR_RETURN(
      Statement st,
      db->Prepare("INSERT INTO instance_meta (name, value) VALUES ('id', ?), ('created_at', ?)"));
  st.Bind(1, base::HexEncode(id)).Bind(2, base::FormatRfc3339(base::SystemClock::Get().Now()));
  HETONG_RETURN_IF_ERROR(st.Run());
  ::chmod(DbPath(dir).c_str(), 0600);
  // The config is written last: its presence marks a complete instance.
  return cfg.Save(ConfPath(dir));
}

StatusOr<std::unique_ptr<Instance>> Instance::Open(const std::string& dir, bool exclusive) {
  if (!base::PathExists(ConfPath(dir))) {
    return NotFoundError("'" + dir +
                         "' is not a hetong instance (no hetong.conf); create one with "
                         "'hetong init --data " +
                         dir + "'");
  }
  std::unique_ptr<Instance> inst(new Instance());
  inst->dir_ = dir;
  if (exclusive) {
    std::string lock_path = dir + "/lock";
    inst->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (inst->lock_fd_ < 0) return base::ErrnoStatus(errno, "cannot open", lock_path);
    if (::flock(inst->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return FailedPreconditionError("the instance '" + dir +
                                     "' is already being served by another hetong process");
    }
  }
  HETONG_ASSIGN_OR_RETURN(inst->config_, base::Config::Load(ConfPath(dir)));
  // A misspelt demo switch must not silently turn into production (or the reverse).
  HETONG_RETURN_IF_ERROR(
      inst->config_.GetBool("instance.demo", false).status().WithContext("instance.demo"));
  HETONG_ASSIGN_OR_RETURN(inst->master_key_, LoadMasterKey(MasterKeyPath(dir)));
  inst->blobs_ = BlobStore(dir + "/blobs");
  HETONG_ASSIGN_OR_RETURN(inst->db_, Connection::OpenSqlite(DbPath(dir)));
  HETONG_RETURN_IF_ERROR(Migrate(*inst->db_).status());
  return inst;
}

Instance::~Instance() {
  db_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string Instance::instance_id() const { return config_.GetOr("instance.id", ""); }

bool Instance::demo() const { return config_.GetBool("instance.demo", false).value_or(false); }

}  // namespace hetong::store
