#include "app/cli_util.h"

#include <cstdio>

#include "base/file.h"

namespace hetong::app {

StatusOr<Bytes> ReadInput(const std::string& path) {
  if (path.empty() || path == "-") return base::ReadStdin();
  return base::ReadFile(path);
}

Status WriteOutput(const std::string& path, ByteView data, unsigned mode) {
  if (path.empty() || path == "-") return base::WriteStdout(data);
  return base::WriteFileAtomic(path, data, static_cast<mode_t>(mode));
}

StatusOr<SecretBytes> ReadPasswordFile(const std::string& path) {
  HETONG_ASSIGN_OR_RETURN(Bytes raw, base::ReadFile(path));
  size_t end = 0;
  while (end < raw.size() && raw[end] != '\n' && raw[end] != '\r') ++end;
  SecretBytes pw = SecretBytes::Copy(ByteView(raw).first(end));
  SecureWipe(raw);
  if (pw.empty()) return InvalidArgumentError("the password file '" + path + "' is empty");
  return pw;
}

int Fail(const Status& status) { return Fail(status.message().empty() ? status.ToString() : status.message()); }

int Fail(const std::string& message) {
  std::fprintf(stderr, "hetong: %s\n", message.c_str());
  return kExitError;
}

}  // namespace hetong::app
