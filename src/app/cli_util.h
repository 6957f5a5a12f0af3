// Shared plumbing of the `hetong` command line: reading inputs (a file, or standard input
// for "-" or nothing), writing outputs atomically (or to standard output), reading passwords
// from files, and the exit-code convention:
//   0  success (for verify: the signature is valid)
//   1  a negative answer (for verify: the signature is not valid)
//   2  an error (bad input, missing file, wrong password...): one line on stderr
//
// Thread-safety: used by the single CLI thread.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/status.h"
#include "crypto/keys.h"
#include "pki/certificate.h"
#include "pki/name.h"

namespace hetong::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNegative = 1;
inline constexpr int kExitError = 2;

StatusOr<Bytes> ReadInput(const std::string& path);
// Writes atomically to `path` with `mode`, or to stdout when path is empty or "-".
Status WriteOutput(const std::string& path, ByteView data, unsigned mode = 0644);
// The first line of `path` (without the newline), as a secret.
StatusOr<SecretBytes> ReadPasswordFile(const std::string& path);

// A private key file (PKCS#8 PEM or DER; encrypted when `pass_file` is given).
StatusOr<crypto::PrivateKey> LoadPrivateKey(const std::string& path, const std::string& pass_file);
// Every certificate in the files (PEM bundles or DER), in order.
StatusOr<std::vector<pki::Certificate>> LoadCertificates(const std::vector<std::string>& files);
// "/C=CN/O=Org/CN=张三" or "CN=张三,O=Org,C=CN".
StatusOr<pki::DistinguishedName> ParseSubject(std::string_view text);

// Prints "hetong: <message>" on stderr and returns kExitError.
int Fail(const Status& status);
int Fail(const std::string& message);

}  // namespace hetong::app
