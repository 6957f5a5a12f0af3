#!/bin/sh
# Regenerates the seed corpora in testdata/fuzz/<target>/: the seeds that need the fixed
# fuzz keys come from fuzz_make_seeds (fuzz/make_seeds.cc), the independent ones from the
# openssl CLI. Keep the total small (< 100 KB).
#
#   fuzz/make_seeds.sh <path to a built fuzz_make_seeds> [output dir, default testdata/fuzz]
#
# Build the generator first, e.g. `cmake --build build/release --target fuzz_make_seeds`.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 <fuzz_make_seeds binary> [testdata/fuzz]" >&2
  exit 2
fi
gen=$1
out=${2:-$(cd "$(dirname "$0")/.." && pwd)/testdata/fuzz}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" keys "$tmp"
openssl req -new -x509 -key "$tmp/sm2.pem" -sm3 -sigopt distid:1234567812345678 \
  -subj "/CN=hetong fuzz SM2/O=hetong test/C=CN" -days 3650 -out "$tmp/sm2.crt"
openssl req -new -x509 -key "$tmp/p256.pem" -sha256 \
  -subj "/CN=hetong fuzz P-256/O=hetong test/C=CN" -days 3650 -out "$tmp/p256.crt"

"$gen" seeds "$out" "$tmp/sm2.crt"

printf 'hetong fuzz fixture message' > "$tmp/msg"
d=$out/fuzz_envelope
openssl cms -encrypt -binary -aes256 -in "$tmp/msg" -outform DER -out "$d/openssl_p256_kari.der" \
  "$tmp/p256.crt"

d=$out/fuzz_cms
openssl cms -sign -binary -nodetach -md sha256 -in "$tmp/msg" -signer "$tmp/p256.crt" \
  -inkey "$tmp/p256.pem" -outform DER -out "$d/openssl_p256_attached.der"
openssl cms -sign -binary -md sha256 -noattr -in "$tmp/msg" -signer "$tmp/p256.crt" \
  -inkey "$tmp/p256.pem" -outform DER -out "$d/openssl_p256_detached_noattr.der"

d=$out/fuzz_pem
mkdir -p "$d"
cp "$tmp/sm2.pem" "$d/sm2_pkcs8.pem"
openssl pkcs8 -topk8 -nocrypt -in "$tmp/sm2.pem" -outform DER -out "$d/sm2_pkcs8.der"
openssl pkey -in "$tmp/sm2.pem" -pubout -out "$d/sm2_spki.pem"
openssl pkey -in "$tmp/sm2.pem" -pubout -outform DER -out "$d/sm2_spki.der"
cp "$tmp/sm2.crt" "$d/sm2_cert.pem"
openssl x509 -in "$tmp/sm2.crt" -outform DER -out "$d/sm2_cert.der"
cat "$tmp/p256.crt" "$tmp/p256.pem" > "$d/p256_cert_and_key.pem"
openssl ec -in "$tmp/p256.pem" -out "$d/p256_traditional_ec.pem" 2>/dev/null
openssl pkcs8 -topk8 -in "$tmp/p256.pem" -v2 aes-256-cbc -iter 1000 -passout pass:hetong \
  -out "$d/p256_encrypted_pkcs8.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/rsa2048_pkcs8.pem" 2>/dev/null
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n' > "$d/edge_no_end.pem"
printf -- '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n' \
  > "$d/edge_legacy_headers.pem"

d=$out/fuzz_der_reader
openssl x509 -in "$tmp/p256.crt" -outform DER -out "$d/p256_cert.der"

echo "seed corpus: $(cat "$out"/*/* | wc -c) bytes in $(find "$out" -type f | wc -l) files"
