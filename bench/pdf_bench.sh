#!/usr/bin/env bash
# Signs and verifies a large PDF (100 MiB of incompressible padding by default) with the hetong
# command line and, as the peer, with podofosign, under GNU time (wall-clock seconds and peak
# resident set size, and the CPU time), and prints a markdown table of medians (docs/performance.md, "PDF signing
# and verification"):
#
#   hetong pdf sign    --key signer.key --cert signer.pem --chain ca.pem --level B-B
#   podofosign         -cert signer.pem -pkey signer.key -digest sha256 (PoDoFo, OpenSSL PKCS#7)
#   sync FILE          fsync of podofosign's output, which podofosign does not do and hetong does
#                      before it renames its output into place (a reference point)
#   hetong verify      --offline --trust root.pem, on hetong's output
#   pdfsig             -nocert -no-ocsp, on hetong's output (poppler: digest and CMS signature,
#                      no certificate path; a reference point)
#
# The file and the keys come from `hetong_bench --pdf_fixture=DIR` (document/pdf/test_pdf.h and
# pdf_test_env.h: a test PDF with a padding stream, the RSA-2048 signer's key as PKCS#8 PEM, its
# certificate, CA and root). Both signers read the same input and write a new file next to it.
# Everything runs in a fresh temporary directory, removed at the end (also on failure or
# Ctrl-C). The files stay in the page cache (the machine has far more memory than they need):
# this measures CPU and write-back, not reading from the disk. This machine's other load shares
# the CPUs and the disk: read the numbers with `uptime` (printed) in mind.
#
#   bench/pdf_bench.sh <path/to/hetong> <path/to/hetong_bench>
#
# Environment: ROUNDS (default 3: the commands are interleaved within each round and the table
# shows medians), PADDING (bytes of padding, default 104857600), PAGES (default 1), KEEP=1
# keeps the working directory. With the defaults: about a minute.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <path/to/hetong> <path/to/hetong_bench>" >&2
  exit 2
fi
hetong=$(realpath "$1")
hetong_bench=$(realpath "$2")
ROUNDS=${ROUNDS:-3}
PADDING=${PADDING:-104857600}
PAGES=${PAGES:-1}
for tool in podofosign python3 cmp; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 1; }
done
if ! /usr/bin/time --version 2>&1 | grep -q GNU; then
  echo "$0: needs GNU time as /usr/bin/time (Debian package 'time')" >&2
  exit 1
fi
have_pdfsig=0
if command -v pdfsig >/dev/null; then have_pdfsig=1; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hetong-pdf-bench.XXXXXX")
cleanup() {
  local rc=$?
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "pdf_bench: $*" >&2; }

cd "$work"
mkdir results
log "working in $work"
load_before=$(uptime)
load_rounds=()

"$hetong_bench" --pdf_fixture="$work" --pdf_fixture_pages="$PAGES" --pdf_fixture_padding="$PADDING"
in_bytes=$(stat -c %s in.pdf)
log "in.pdf: $in_bytes bytes, $PAGES page(s)"

# Runs one command under GNU time and appends a tab-separated row to results/runs.tsv (label,
# round, wall seconds, peak RSS in KiB, user and system CPU seconds). The command must exit
# with `want` (its output is in results/<id>-r<round>.log).
measure() {  # id label round want command...
  local id=$1 label=$2 round=$3 want=$4 out rc=0 secs rss user sys
  shift 4
  out="results/$id-r$round.log"
  /usr/bin/time -f '%e %M %U %S' -o results/time.txt "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" != "$want" ]; then
    log "$label exited with $rc (expected $want):"
    cat "$out" >&2
    return 1
  fi
  # The last line: GNU time puts "Command exited with non-zero status N" before it.
  read -r secs rss user sys < <(tail -n 1 results/time.txt)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$secs" "$rss" "$user" "$sys" >>results/runs.tsv
}

# Checks, once: both outputs are incremental updates of the input with a valid signature.
check_outputs() {
  local f
  for f in hetong.pdf podofo.pdf; do
    cmp -s -n "$in_bytes" in.pdf "$f" || { log "$f does not start with the input's bytes"; return 1; }
  done
  if [ "$have_pdfsig" = 1 ]; then
    for f in hetong.pdf podofo.pdf; do
      pdfsig -nocert -no-ocsp "$f" >"results/check-$f.txt" 2>&1 || true
      grep -q "Signature is Valid" "results/check-$f.txt" || {
        log "pdfsig does not find a valid signature in $f"
        cat "results/check-$f.txt" >&2
        return 1
      }
    done
  fi
  grep -q "INDETERMINATE" results/verify-r1.log || { log "unexpected verify result"; cat results/verify-r1.log >&2; return 1; }
}

for round in $(seq 1 "$ROUNDS"); do
  log "round $round/$ROUNDS"
  rm -f hetong.pdf podofo.pdf
  measure sign-hetong "hetong pdf sign (B-B, RSA-2048)" "$round" 0 \
    "$hetong" pdf sign --in in.pdf --out hetong.pdf --key signer.key --cert signer.pem --chain ca.pem --level B-B
  measure sign-podofo "podofosign (RSA-2048, SHA-256)" "$round" 0 \
    podofosign -in in.pdf -out podofo.pdf -cert signer.pem -pkey signer.key -digest sha256
  measure sync-podofo "sync FILE after podofosign (fsync of its output)" "$round" 0 sync podofo.pdf
  # Offline, a B-B file carries no revocation data: INDETERMINATE (exit 1) after every other check.
  measure verify "hetong verify --offline" "$round" 1 "$hetong" verify --offline --trust root.pem hetong.pdf
  if [ "$have_pdfsig" = 1 ]; then
    measure pdfsig "pdfsig -nocert -no-ocsp" "$round" 0 pdfsig -nocert -no-ocsp hetong.pdf
  fi
  if [ "$round" = 1 ]; then check_outputs; fi
  load_rounds+=("after round $round: $(uptime)")
done

# ---- report ----
echo "pdf_bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), host $(hostname), $(nproc) CPUs; in.pdf $in_bytes bytes" \
  "($PAGES page(s) and $PADDING bytes of padding); median of $ROUNDS round(s), range in brackets."
podofo_version=$(dpkg-query -W -f '${Version}' libpodofo-utils 2>/dev/null) || podofo_version='?'
pdfsig_version=$(pdfsig -v 2>&1 | head -n 1) || true
echo "podofosign: libpodofo-utils $podofo_version; ${pdfsig_version:-pdfsig: not installed}."
echo "outputs: hetong.pdf $(stat -c %s hetong.pdf) bytes, podofo.pdf $(stat -c %s podofo.pdf) bytes."
echo "hetong verify said: $(grep -m1 -o 'INDETERMINATE[^.]*' results/verify-r1.log || true)"
echo "load before: $load_before"
for l in "${load_rounds[@]}"; do echo "load $l"; done
echo
python3 - results/runs.tsv <<'PY'
import statistics
import sys

runs = {}  # label -> [(wall seconds, rss KiB, CPU seconds)], in first-run order
for line in open(sys.argv[1], encoding="utf-8"):
    label, _, secs, rss, user, system = line.rstrip("\n").split("\t")
    runs.setdefault(label, []).append((float(secs), int(rss), float(user) + float(system)))


def cell(values, fmt):
    med = statistics.median(values)
    if len(values) > 1:
        return f"{fmt(med)} [{fmt(min(values))}–{fmt(max(values))}]"
    return fmt(med)


print("| command | wall time | CPU time (user + system) | peak RSS |")
print("|---|---:|---:|---:|")
for label, rs in runs.items():
    print(f"| {label} | {cell([r[0] for r in rs], lambda s: f'{s:.2f} s')} "
          f"| {cell([r[2] for r in rs], lambda s: f'{s:.2f} s')} "
          f"| {cell([r[1] for r in rs], lambda k: f'{k / 1024:.1f} MiB')} |")
ours = runs.get("hetong pdf sign (B-B, RSA-2048)")
peer = runs.get("podofosign (RSA-2048, SHA-256)")
if ours and peer:
    t = statistics.median(r[0] for r in ours) / statistics.median(r[0] for r in peer)
    c = statistics.median(r[2] for r in ours) / statistics.median(r[2] for r in peer)
    m = statistics.median(r[1] for r in ours) / statistics.median(r[1] for r in peer)
    print()
    print(f"hetong pdf sign / podofosign: wall time {t:.2f}, CPU time {c:.2f}, peak RSS {m:.2f} "
          "(medians).")
PY
if [ "${KEEP:-0}" = 1 ]; then
  echo
  echo "outputs and logs: $work"
fi
