#!/usr/bin/env bash
# Loads a demo `hetong serve` (SQLite) over loopback with wrk, every wrk connection completing
# two-party contracts through the API one after the other (bench/contract_bench.lua: create,
# send, intent and sign by party A, intent and sign by party B), and prints markdown tables
# (docs/performance.md, "Contracts over HTTP"):
#
#   - completed contracts per second and the latency of each kind of request, /sign above all
#     (party A's signature is PAdES B-LT, party B's, which completes the contract, B-LTA), timed
#     per request by the Lua script; with 1 and 4 connections (CONNECTIONS);
#   - the server's own view from its log (log.level = info: one line per request with its
#     duration), and every warning or error it logged;
#   - as the peer, in the same run and on the same instance: `hetong pdf sign --data DIR --signer`
#     (one process per signature) signing the same PDF with the same kind of key (SM2), the same
#     visible appearance (the same PNG, two lines of text, the same rectangle), first B-LT and
#     then B-LTA into the result, like the two parties of a contract;
#   - the fixed costs inside a signature, each over HTTP with wrk on one connection: a time-stamp
#     (POST /tsa, SM3 → SM2 token) and a signed OCSP response (POST /pki/ocsp with a nonce, SM2
#     responder); and PBKDF2-HMAC-SM3 with 10,000 and 100,000 (the default) iterations (the
#     intent's password check) by Python's hashlib (OpenSSL) as a reference.
#
# Setup: a fresh instance (`hetong init --demo`) in a temporary directory with
# identity.password_iterations = 10000 (logins and intents otherwise spend most of their time in
# PBKDF2, which is a setting, not the signing path); one pair of persons per connection,
# registered, logged in and verified by the sandbox provider, and one small PDF (one A4 page,
# written here and checked by `qpdf --check`) uploaded by each pair's first person. One
# completed contract is downloaded and verified with `hetong verify` at the end. The hetong
# binary is copied into the working directory first, so that a rebuild during the run changes
# nothing. Everything is removed at the end (KEEP=1 keeps it), also on failure or Ctrl-C; the
# server is stopped by PID.
#
#   bench/contract_bench.sh <path/to/hetong>
#
# Environment: DURATION (per wrk run, default 20s), CONNECTIONS (default "1 4"; wrk uses one
# thread per connection), ROUNDS (default 3; load runs and peer runs interleave, tables show
# medians), PEER_RUNS (signatures of each level per round by the command line, default 15),
# LOG_LEVEL (default info), KEEP=1. With the defaults: about 4 minutes.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <path/to/hetong>" >&2
  exit 2
fi
src_hetong=$(realpath "$1")
script_dir=$(cd "$(dirname "$0")" && pwd)
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-"1 4"}
ROUNDS=${ROUNDS:-3}
PEER_RUNS=${PEER_RUNS:-15}
LOG_LEVEL=${LOG_LEVEL:-info}
PASSWORD=Bench-Pw-48151
for tool in wrk openssl curl python3 qpdf; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not installed (scripts/bootstrap)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hetong-contract-bench.XXXXXX")
hetong_pid=
cleanup() {
  local rc=$?
  if [ -n "$hetong_pid" ]; then
    kill "$hetong_pid" 2>/dev/null || true
    wait "$hetong_pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "contract_bench: $*" >&2; }
cd "$work"
mkdir results
log "working in $work"
cp "$src_hetong" ./hetong
hetong=$work/hetong
load_before=$(uptime)
load_rounds=()
max_conns=0
for c in $CONNECTIONS; do if [ "$c" -gt "$max_conns" ]; then max_conns=$c; fi; done

# ---- the instance ----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
"$hetong" init --data inst --demo --listen "127.0.0.1:$port" >/dev/null
sed -i "/^\[log\]/,/^\[/ s/^level = .*/level = $LOG_LEVEL/" inst/hetong.conf
grep -q "^level = $LOG_LEVEL\$" inst/hetong.conf || { log "could not set log.level"; exit 1; }
printf '\n[identity]\npassword_iterations = 10000\n' >>inst/hetong.conf
"$hetong" serve --data inst >hetong.log 2>&1 &
hetong_pid=$!
for _ in $(seq 1 100); do
  kill -0 "$hetong_pid" 2>/dev/null || { log "hetong serve exited early"; cat hetong.log >&2; exit 1; }
  curl -sf -o /dev/null "$url/healthz" && break
  sleep 0.1
done
curl -sf -o /dev/null "$url/healthz" || { log "hetong serve does not answer at $url"; exit 1; }

# ---- signers, the PDF, the appearance ----
python3 - "$url" "$max_conns" "$PASSWORD" <<'PY'
import base64
import json
import struct
import sys
import urllib.error
import urllib.request
import zlib

base, npairs, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def call(method, path, body=None, token=None, ctype="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", ctype)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def expect(want, reply, what):
    if reply[0] != want:
        sys.exit(f"contract_bench: setup: {what}: HTTP {reply[0]}: {reply[1]}")
    return reply[1]


def id_number(seq):
    """A well-formed resident ID number (GB 11643): area, birth date, sequence, check digit."""
    body = f"11010519800101{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def pdf():
    """One A4 page with a line of text, a classic cross-reference table."""
    text = b"BT /F1 18 Tf 72 760 Td (Purchase contract - load benchmark) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def png(width=120, height=40):
    """A handwritten-looking stroke on a transparent canvas (RGBA, 8 bits)."""
    rows = []
    for y in range(height):
        row = bytearray(width * 4)
        for x in range(10, 110):
            top = 20 + (x % 10 if x % 20 < 10 else 10 - x % 10)
            if top <= y < top + 3:
                row[x * 4 + 3] = 255
        rows.append(b"\x00" + bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


open("contract.pdf", "wb").write(pdf())
open("handwritten.png", "wb").write(png())
people = []
for i in range(npairs * 2):
    email = f"signer{i}@example.cn"
    expect(201, call("POST", "/api/v1/auth/register",
                     {"name": f"签署人{i}", "email": email, "id_number": id_number(i + 1),
                      "password": password, "mobile": "13800138000"}), "register " + email)
    token = expect(200, call("POST", "/api/v1/auth/login", {"email": email, "password": password}),
                   "login " + email)["token"]
    v = expect(201, call("POST", "/api/v1/identity/verifications", {"provider": "sandbox"}, token),
               "sandbox verification of " + email)
    if v.get("state") != "approved":
        sys.exit(f"contract_bench: setup: verification of {email}: {v}")
    people.append((token, expect(200, call("GET", "/api/v1/me", None, token), "me")["id"]))
with open("pairs.lua", "w") as f:
    f.write("signer_pairs = {\n")
    for p in range(npairs):
        (a_token, a_id), (b_token, b_id) = people[2 * p], people[2 * p + 1]
        doc = expect(201, call("POST", "/api/v1/documents?file_name=contract.pdf",
                               open("contract.pdf", "rb").read(), a_token, "application/pdf"),
                     "upload")
        if doc.get("pages") != 1:
            sys.exit(f"contract_bench: setup: upload: {doc}")
        f.write(f'  {{a_token = "{a_token}", a_id = "{a_id}", b_token = "{b_token}", '
                f'b_id = "{b_id}", doc = "{doc["id"]}"}},\n')
    f.write("}\n")
    f.write('handwritten_png_base64 = "%s"\n' % base64.b64encode(open("handwritten.png", "rb").read()).decode())
json.dump({"a_token": people[0][0]}, open("first.json", "w"))
PY
qpdf --check contract.pdf >/dev/null || { log "qpdf --check fails on contract.pdf"; exit 1; }
log "$((max_conns * 2)) verified persons, $max_conns documents"

# The peer's signer: an SM2 key in the same instance, certified by sm2-ca like the persons'.
"$hetong" signer enroll --data inst --name bench-peer --subject "/C=CN/CN=签署人 peer" \
  --profile personal >/dev/null
today=$(date -u +%Y-%m-%d)

# ---- runs ----
# One wrk run: appends "<connections> <round> <RESULT fields>" to results/runs.txt, and the
# request timings, prefixed with connections and round, to results/timings.txt.
run_wrk() {  # connections round
  local c=$1 round=$2 out line
  out="results/wrk-c$c-r$round.txt"
  log "round $round/$ROUNDS: $c connection(s), $DURATION"
  CONTRACT_BENCH_OUT="results/timings-c$c-r$round.txt" \
    wrk -t"$c" -c"$c" -d"$DURATION" --timeout 30s --latency -s "$script_dir/contract_bench.lua" \
    "$url" -- "$work/pairs.lua" "$PASSWORD" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
  line=$(grep '^RESULT ' "$out") || { cat "$out" >&2; return 1; }
  case $line in
    "RESULT 0 "*) log "no contract completed: $out"; cat "$out" >&2; return 1 ;;
  esac
  echo "$c $round ${line#RESULT }" >>results/runs.txt
  sed "s/^/$c $round /" "results/timings-c$c-r$round.txt" >>results/timings.txt
  grep '^FAILURE ' "$out" >>results/failures.txt || true
}

# PEER_RUNS contracts' worth of command-line signatures: B-LT of the PDF, then B-LTA of the
# result, each a new process; appends "<level> <round> <wall µs> <child CPU µs>" to
# results/peer.txt.
run_peer() {  # round
  log "round $1/$ROUNDS: hetong pdf sign, $PEER_RUNS × (B-LT, B-LTA)"
  python3 - "$hetong" "$1" "$PEER_RUNS" "$today" <<'PY' >>results/peer.txt
import os
import resource
import subprocess
import sys
import time

hetong, rnd, runs, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def sign(level, src, dst, rect, field):
    argv = [hetong, "pdf", "sign", "--data", "inst", "--signer", "bench-peer", "--in", src,
            "--out", dst, "--level", level, "--page", "1", "--rect", rect, "--image",
            "handwritten.png", "--text", "签署人：签署人 peer", "--text", "时间：" + today,
            "--field", field, "--name", "签署人 peer", "--reason", "签署合同 采购合同 load"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"contract_bench: {' '.join(argv)}: exit {p.returncode}: {p.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"{level} {rnd} {wall * 1e6:.0f} {cpu * 1e6:.0f}")


for _ in range(runs):
    sign("B-LT", "contract.pdf", "peer-1.pdf", "60,80,160,80", "hetong-party-1")
    sign("B-LTA", "peer-1.pdf", "peer-2.pdf", "320,80,160,80", "hetong-party-2")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do run_wrk "$c" "$round"; done
  run_peer "$round"
  load_rounds+=("after round $round: $(uptime)")
done

# ---- fixed costs, over HTTP, one connection ----
"$hetong" signer show --data inst --name bench-peer --pem >peer-chain.pem
python3 - <<'PY'
import re
pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?",
                  open("peer-chain.pem").read(), re.S)
assert len(pems) >= 2, "signer show --pem: expected the certificate and its CA"
open("peer.pem", "w").write(pems[0])
open("peer-ca.pem", "w").write(pems[1])
PY
openssl ocsp -issuer peer-ca.pem -cert peer.pem -reqout ocsp-nonce.der 2>/dev/null
head -c 4096 /dev/urandom >data.bin
openssl ts -query -data data.bin -sm3 -cert -out ts-sm3.tsq 2>/dev/null
fixed() {  # id path body content-type
  cat >"$1.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$work/$3", "rb"):read("*a")
wrk.headers["Content-Type"] = "$4"
function done(summary, latency, requests)
  io.write(string.format("FIXED %d %.0f %.0f %.0f %d\n", summary.requests, latency:percentile(50),
    latency:percentile(99), summary.duration, summary.errors.status))
end
LUA
  curl -sf -o "$1.out" --data-binary "@$3" -H "Content-Type: $4" "$url$2" || { log "$2 failed"; return 1; }
  wrk -t1 -c1 -d5s --latency -s "$1.lua" "$url$2" >"results/$1.txt" 2>&1
  echo "$1 $(grep '^FIXED ' "results/$1.txt" | cut -d' ' -f2-)" >>results/fixed.txt
}
log "fixed costs: POST /tsa, POST /pki/ocsp (5 s each)"
fixed tsa /tsa ts-sm3.tsq application/timestamp-query
openssl ts -reply -in tsa.out -text 2>/dev/null | grep -q "Status: Granted" || { log "/tsa: not granted"; exit 1; }
fixed ocsp /pki/ocsp ocsp-nonce.der application/ocsp-request
openssl ocsp -respin ocsp.out -resp_text -noverify 2>/dev/null | grep -q "Cert Status: good" ||
  { log "/pki/ocsp: not a good response"; exit 1; }
python3 - "$PASSWORD" <<'PY' >>results/fixed.txt
import hashlib
import statistics
import sys
import time

for name, iterations, runs in (("pbkdf2", 10000, 50), ("pbkdf2-default", 100000, 10)):
    ts = []
    for i in range(runs):
        t = time.perf_counter()
        hashlib.pbkdf2_hmac("sm3", sys.argv[1].encode(), b"sixteen byte salt"[:16], iterations, 32)
        ts.append((time.perf_counter() - t) * 1e6)
    ts.sort()
    print(f"{name} {runs} {statistics.median(ts):.0f} {ts[-1 if runs < 100 else int(runs * 0.99) - 1]:.0f} 0 0")
PY

# ---- one completed contract, checked ----
token=$(python3 -c 'import json; print(json.load(open("first.json"))["a_token"])')
cid=$(curl -sf -H "Authorization: Bearer $token" "$url/api/v1/contracts?state=completed" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -sf -H "Authorization: Bearer $token" -o signed.pdf "$url/api/v1/contracts/$cid/document"
"$hetong" verify --data inst --json signed.pdf >verify.json || true
verdict=$(python3 -c '
import json
r = json.load(open("verify.json"))
sigs = [s for s in r["signatures"] if s["kind"] == "signature"]
print("allPassed" if r["allPassed"] and len(sigs) == 2 else "FAILED", len(sigs), "signatures,",
      sum(1 for s in r["signatures"] if s["kind"] != "signature"), "document time-stamp(s)")')
case $verdict in allPassed*) ;; *) log "the signed contract $cid does not verify: $verdict"; exit 1 ;; esac
kill "$hetong_pid"
wait "$hetong_pid" 2>/dev/null || true
hetong_pid=

# ---- report ----
echo "contract_bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), host $(hostname), $(nproc) CPUs; wrk one thread" \
  "per connection, $DURATION per run, $ROUNDS round(s); hetong serve: server.threads = 8 (default)," \
  "log.level = $LOG_LEVEL, identity.password_iterations = 10000, SQLite."
echo "check: contract $cid downloaded and verified by hetong verify: $verdict."
echo "load before: $load_before"
for l in "${load_rounds[@]}"; do echo "load $l"; done
echo
python3 - "$max_conns" <<'PY'
import collections
import math
import re
import statistics


def pct(xs, p):  # nearest rank
    xs = sorted(xs)
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]


def ms(us):
    return f"{us / 1000:.1f} ms" if us >= 1000 else f"{us:.0f} µs"


runs = collections.defaultdict(list)  # connections -> [(contracts/s, requests/s, failures, ...)]
for line in open("results/runs.txt"):
    c, rnd, done, dur, reqs, fails, sock, status = map(int, line.split())
    runs[c].append(dict(cps=done / (dur / 1e6), rps=reqs / (dur / 1e6), done=done, fails=fails,
                        sock=sock, status=status))
timings = collections.defaultdict(list)  # (connections, step) -> [µs]
bad = collections.Counter()
for line in open("results/timings.txt"):
    c, rnd, conn, step, us, status = line.split()
    timings[(int(c), step)].append(float(us))
    if status not in ("200", "201"):
        bad[(int(c), step, status)] += 1

print("| connections | contracts/s | requests/s | contracts completed | failed steps | socket errors |")
print("|---:|---:|---:|---:|---:|---:|")
for c in sorted(runs):
    rs = runs[c]
    cps = [r["cps"] for r in rs]
    rng = f" [{min(cps):.2f}–{max(cps):.2f}]" if len(rs) > 1 else ""
    print(f"| {c} | {statistics.median(cps):.2f}{rng} | {statistics.median(r['rps'] for r in rs):.1f} "
          f"| {sum(r['done'] for r in rs)} | {sum(r['fails'] for r in rs)} | {sum(r['sock'] for r in rs)} |")
print()
print("Latency per request (client side, every request of every round):")
print()
print("| connections | request | n | p50 | p90 | p99 | max |")
print("|---:|---|---:|---:|---:|---:|---:|")
names = {"create": "POST /contracts", "send": "POST …/send", "intent-a": "POST …/intent (A)",
         "sign-a": "POST …/sign (A, B-LT)", "intent-b": "POST …/intent (B)",
         "sign-b": "POST …/sign (B, B-LTA, completes)"}
for c in sorted(runs):
    rows = list(names.items()) + [("sign", "POST …/sign, both")]
    for step, label in rows:
        xs = timings[(c, step)] if step != "sign" else timings[(c, "sign-a")] + timings[(c, "sign-b")]
        if not xs:
            continue
        print(f"| {c} | {label} | {len(xs)} | {ms(pct(xs, 50))} | {ms(pct(xs, 90))} | {ms(pct(xs, 99))} "
              f"| {ms(max(xs))} |")
if bad:
    print()
    print("Unexpected statuses: " + ", ".join(f"{n}× {s} on {st} ({c} conn.)" for (c, st, s), n in bad.items()))

peer = collections.defaultdict(list)
for line in open("results/peer.txt"):
    level, rnd, wall, cpu = line.split()
    peer[level].append((float(wall), float(cpu)))
print()
print("Peer: `hetong pdf sign --data DIR --signer` (one process per signature), same instance:")
print()
print("| command | n | wall p50 | wall p99 | CPU p50 |")
print("|---|---:|---:|---:|---:|")
for level, label in (("B-LT", "pdf sign, 1st signature, B-LT"), ("B-LTA", "pdf sign, 2nd signature, B-LTA")):
    xs = peer[level]
    print(f"| {label} | {len(xs)} | {ms(pct([x[0] for x in xs], 50))} | {ms(pct([x[0] for x in xs], 99))} "
          f"| {ms(pct([x[1] for x in xs], 50))} |")
cli_a, cli_b = (pct([x[0] for x in peer[lv]], 50) for lv in ("B-LT", "B-LTA"))
print()
if 1 in runs:
    a, b = pct(timings[(1, "sign-a")], 50), pct(timings[(1, "sign-b")], 50)
    print(f"Ratios (p50, 1 connection): POST /sign (A) / pdf sign B-LT = {a / cli_a:.2f}; "
          f"POST /sign (B) / pdf sign B-LTA = {b / cli_b:.2f}; contracts/s over HTTP "
          f"{statistics.median(r['cps'] for r in runs[1]):.2f} against "
          f"{1e6 / (cli_a + cli_b):.2f} signature pairs/s by the command line.")

print()
print("Fixed costs (wrk, 1 connection, 5 s; PBKDF2 in Python's hashlib, 50 and 10 runs, where p99 is the maximum):")
print()
print("| operation | n | p50 | p99 |")
print("|---|---:|---:|---:|")
labels = {"tsa": "POST /tsa (SM3 → SM2 token)", "ocsp": "POST /pki/ocsp, nonce (signed, SM2 responder)",
          "pbkdf2": "PBKDF2-HMAC-SM3, 10,000 iterations (hashlib)",
          "pbkdf2-default": "PBKDF2-HMAC-SM3, 100,000 iterations, the default (hashlib)"}
for line in open("results/fixed.txt"):
    name, n, p50, p99, _, status = line.split()
    print(f"| {labels[name]} | {n} | {ms(float(p50))} | {ms(float(p99))} |")

# The server's log: its duration of each request, and everything above info.
server = collections.defaultdict(list)
statuses = collections.Counter()
other = collections.Counter()
pat = re.compile(r"^\S+ (\w+) http (\w+) (\S+) (\d+) \S+ ([\d.]+)ms")
for line in open("hetong.log", encoding="utf-8", errors="replace"):
    m = pat.match(line)
    if m:
        route = re.sub(r"/ctr-[0-9a-f]+", "/{id}", m.group(3).split("?")[0])
        server[f"{m.group(2)} {route}"].append(float(m.group(5)) * 1000)
        statuses[(f"{m.group(2)} {route}", m.group(4))] += 1
        continue
    parts = line.split(" ", 2)
    if len(parts) > 2 and parts[1] not in ("info", "debug", "trace"):
        other[re.sub(r"[0-9a-f]{16,}", "…", parts[1] + " " + parts[2].strip())] += 1
if server:
    print()
    print("Server log (the server's own duration per request; all runs):")
    print()
    print("| request | n | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|")
    for route in ("POST /api/v1/contracts", "POST /api/v1/contracts/{id}/send",
                  "POST /api/v1/contracts/{id}/intent", "POST /api/v1/contracts/{id}/sign"):
        xs = server.get(route)
        if xs:
            print(f"| {route} | {len(xs)} | {ms(pct(xs, 50))} | {ms(pct(xs, 99))} | {ms(max(xs))} |")
    errs = {k: n for k, n in statuses.items() if int(k[1]) >= 400}
    print()
    print("HTTP statuses >= 400 in the log: " +
          (", ".join(f"{n}× {s} {r}" for (r, s), n in sorted(errs.items())) if errs else "none"))
print("Log lines above info: " + ("none" if not other else ""))
for msg, n in other.most_common(20):
    print(f"  {n}× {msg[:300]}")
PY
if [ -s results/failures.txt ]; then
  echo
  echo "First failures reported by wrk's script:"
  head -n 20 results/failures.txt
fi
if [ "${KEEP:-0}" = 1 ]; then
  echo
  echo "wrk outputs and timings: $work/results; server log: $work/hetong.log"
fi
