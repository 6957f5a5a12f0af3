#!/usr/bin/env bash
# Loads a running `hetong serve` over HTTP with wrk and prints a markdown table of requests per
# second and latency percentiles (docs/performance.md, "Time-stamp authority" and "PKI"):
#
#   POST /tsa       an SM3 TimeStampReq (SM2 token) and a SHA-256 one (RSA token), both made by
#                   `openssl ts -query -cert` (with its nonce: every request gets a new token);
#   POST /pki/ocsp  an OCSP request made by `openssl ocsp` for a certificate that hetong's
#                   rsa-ca issued: without nonce (hetong answers from its cache of signed
#                   responses) and with a nonce (every response is signed);
#   and, as the peer, `openssl ocsp -index ... -port` answering the same two kinds of request
#   for an equivalent OpenSSL-made hierarchy (RSA-3072 CA and responder, SHA-256, responder ID
#   by key, responder certificate included, as hetong's rsa-ocsp; it signs every response): one
#   process, and `-multi N` processes for the nonce request.
#
# Everything runs in a fresh temporary directory with fresh ports; the servers are stopped (by
# PID) at the end, also on failure or Ctrl-C. wrk, the servers and this machine's other load
# share the CPUs: read the numbers with `uptime` (printed) in mind.
#
#   bench/http_bench.sh <path/to/hetong>
#
# Environment: DURATION (per run, default 10s), CONNECTIONS (wrk connections, one run each,
# default "1 8"), ROUNDS (default 3: every run is repeated, hetong and OpenSSL interleaved, and
# the table shows medians), WRK_THREADS (default 1), OPENSSL_MULTI (processes of a third
# responder, `openssl ocsp -multi N`, run on the nonce request; default 2, 0 skips it),
# LOG_LEVEL (hetong's log.level, default warn; info logs every request), KEEP=1 keeps the working
# directory (wrk outputs, server logs). With the defaults: about 8 minutes.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 <path/to/hetong>" >&2
  exit 2
fi
hetong=$(realpath "$1")
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-"1 8"}
WRK_THREADS=${WRK_THREADS:-1}
OPENSSL_MULTI=${OPENSSL_MULTI:-2}
ROUNDS=${ROUNDS:-3}
LOG_LEVEL=${LOG_LEVEL:-warn}
for tool in wrk openssl curl python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is not installed (scripts/bootstrap)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hetong-http-bench.XXXXXX")
hetong_pid=
openssl_pid=
# Stops a server we started and the processes it forked (openssl ocsp -multi does not stop its
# children when it is terminated).
stop_pid() {
  local kids
  mapfile -t kids < <(pgrep -P "$1" || true)
  kill "$1" 2>/dev/null || true
  if [ ${#kids[@]} -gt 0 ]; then kill "${kids[@]}" 2>/dev/null || true; fi
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  if [ -n "$openssl_pid" ]; then stop_pid "$openssl_pid"; fi
  if [ -n "$hetong_pid" ]; then stop_pid "$hetong_pid"; fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "http_bench: $*" >&2; }
# A port that is free now, on 127.0.0.1 or (for openssl ocsp, which binds every interface) on
# all interfaces.
free_port() {
  python3 -c 'import socket, sys
s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$1"
}
wait_http() {  # url pid
  for _ in $(seq 1 100); do
    kill -0 "$2" 2>/dev/null || { log "server exited early"; return 1; }
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  log "server did not answer at $1"
  return 1
}
post() {  # url body content-type out
  curl -sS --fail -o "$4" --data-binary "@$2" -H "Content-Type: $3" "$1"
}
check_ocsp() {  # response what [nonce]
  local text
  text=$(openssl ocsp -respin "$1" -resp_text -noverify 2>&1)
  grep -q "Cert Status: good" <<<"$text" || { log "$2: not a good OCSP response"; echo "$text" >&2; return 1; }
  if [ "${3:-}" = nonce ]; then
    grep -q "OCSP Nonce" <<<"$text" || { log "$2: nonce not echoed"; return 1; }
  fi
}
check_ts() {  # response what
  openssl ts -reply -in "$1" -text 2>/dev/null | grep -q "Status: Granted" || { log "$2: not granted"; return 1; }
}

cd "$work"
mkdir results
log "working in $work"
load_before=$(uptime)
load_rounds=()

# ---- hetong instance ----
port=$(free_port 127.0.0.1)
"$hetong" init --data inst --listen "127.0.0.1:$port" >/dev/null
# At info the server logs a line per request (to hetong.log here); warn keeps the measurement to
# the request itself (LOG_LEVEL=info measures the difference).
sed -i "/^\[log\]/,/^\[/ s/^level = .*/level = $LOG_LEVEL/" inst/hetong.conf
grep -q "^level = $LOG_LEVEL\$" inst/hetong.conf || { log "could not set log.level"; exit 1; }

openssl req -new -newkey rsa:2048 -nodes -keyout ee.key -subj "/C=CN/CN=bench user" -out ee.csr 2>/dev/null
"$hetong" ca issue --data inst --csr ee.csr --profile personal --out ee.pem 2>/dev/null
"$hetong" ca show --data inst --ca rsa-ca --pem | sed -n '/-----BEGIN/,/-----END/p' >ca.pem
openssl ocsp -issuer ca.pem -cert ee.pem -no_nonce -reqout ocsp-nononce.der
openssl ocsp -issuer ca.pem -cert ee.pem -reqout ocsp-nonce.der
head -c 4096 /dev/urandom >data.bin
openssl ts -query -data data.bin -sm3 -cert -out ts-sm3.tsq
openssl ts -query -data data.bin -sha256 -cert -out ts-sha256.tsq

"$hetong" serve --data inst >hetong.log 2>&1 &
hetong_pid=$!
wait_http "http://127.0.0.1:$port/healthz" "$hetong_pid"
hetong_url="http://127.0.0.1:$port"
# One answer of each kind is checked before loading (wrk does not look at bodies).
post "$hetong_url/tsa" ts-sm3.tsq application/timestamp-query r.tsr
check_ts r.tsr "hetong SM3"
post "$hetong_url/tsa" ts-sha256.tsq application/timestamp-query r.tsr
check_ts r.tsr "hetong SHA-256"
post "$hetong_url/pki/ocsp" ocsp-nononce.der application/ocsp-request r.der
check_ocsp r.der "hetong OCSP"
post "$hetong_url/pki/ocsp" ocsp-nonce.der application/ocsp-request r.der
check_ocsp r.der "hetong OCSP" nonce

# ---- the OpenSSL peer: an equivalent hierarchy and index ----
cat >ext.cnf <<'EOF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ocsp]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ee]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
openssl req -x509 -newkey rsa:3072 -nodes -keyout oca.key -subj "/C=CN/O=bench/CN=OpenSSL bench CA" \
  -days 30 -config ext.cnf -extensions ca -out oca.pem 2>/dev/null
openssl req -new -newkey rsa:3072 -nodes -keyout orsp.key -subj "/C=CN/O=bench/CN=OpenSSL OCSP responder" \
  -out orsp.csr 2>/dev/null
openssl x509 -req -in orsp.csr -CA oca.pem -CAkey oca.key -set_serial 0x1001 -days 30 \
  -extfile ext.cnf -extensions ocsp -out orsp.pem 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout oee.key -subj "/C=CN/CN=bench user" -out oee.csr 2>/dev/null
openssl x509 -req -in oee.csr -CA oca.pem -CAkey oca.key -set_serial 0x2002 -days 30 \
  -extfile ext.cnf -extensions ee -out oee.pem 2>/dev/null
expiry=$(date -u -d "$(openssl x509 -in oee.pem -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
serial=$(openssl x509 -in oee.pem -noout -serial | cut -d= -f2)
subject=$(openssl x509 -in oee.pem -noout -subject -nameopt compat | sed 's/^subject=//')
printf 'V\t%s\t\t%s\tunknown\t%s\n' "$expiry" "$serial" "$subject" >index.txt
openssl ocsp -issuer oca.pem -cert oee.pem -no_nonce -reqout oocsp-nononce.der
openssl ocsp -issuer oca.pem -cert oee.pem -reqout oocsp-nonce.der

# openssl ocsp (3.0) serves one connection at a time and answers HTTP/1.0 (one request per
# connection). A connection that is closed without a request makes it spin on EOF forever, at
# full CPU (wrk does that to its open connections when a run ends), so every run gets a fresh
# server, stopped right after it.
start_openssl() {  # extra args...; sets openssl_pid, openssl_url
  local p
  p=$(free_port "")
  # Binds every interface (openssl ocsp has no bind address); signs every response.
  openssl ocsp -index index.txt -port "$p" -rsigner orsp.pem -rkey orsp.key -CA oca.pem -rmd sha256 \
    -resp_key_id -nmin 60 "$@" >"openssl-$p.log" 2>&1 &
  openssl_pid=$!
  openssl_url="http://127.0.0.1:$p"
  # Wait for the port with real requests (a bare connection would wedge it, see above).
  for _ in $(seq 1 100); do
    if post "$openssl_url/" oocsp-nononce.der application/ocsp-request r.der 2>/dev/null; then break; fi
    kill -0 "$openssl_pid" 2>/dev/null || { log "openssl ocsp exited early"; return 1; }
    sleep 0.1
  done
  check_ocsp r.der "openssl ocsp"
  post "$openssl_url/" oocsp-nonce.der application/ocsp-request r.der
  check_ocsp r.der "openssl ocsp" nonce
}
stop_openssl() {
  stop_pid "$openssl_pid"
  openssl_pid=
}

# ---- load ----
# One wrk run of one request kind against one server: appends a tab-separated row to
# results/runs.tsv (label, server, connections, round, then wrk's numbers).
run() {  # id label server url body content-type connections round [openssl ocsp arguments]
  local id=$1 label=$2 server=$3 url=$4 body=$5 ctype=$6 c=$7 round=$8 lua out line
  shift 8
  lua="$work/$id.lua"
  cat >"$lua" <<LUA
-- wrk first connects to the server and closes without a request to check the address; openssl
-- ocsp (3.0) spins on such a connection forever, so resolve without that probe.
function wrk.resolve(host, service) wrk.addrs = wrk.lookup(host, service) end
wrk.method = "POST"
wrk.body = io.open("$work/$body", "rb"):read("*a")
wrk.headers["Content-Type"] = "$ctype"
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
LUA
  out="results/$id-c$c-r$round.txt"
  if [ "$server" != hetong ]; then
    start_openssl "$@"
    url=$openssl_url/
  fi
  log "round $round/$ROUNDS: $label on $server, $c connection(s), $DURATION"
  wrk -t"$WRK_THREADS" -c"$c" -d"$DURATION" --latency -s "$lua" "$url" >"$out" 2>&1 || {
    cat "$out" >&2
    return 1
  }
  if [ "$server" != hetong ]; then stop_openssl; fi
  line=$(grep '^RESULT ' "$out") || { cat "$out" >&2; return 1; }
  case $line in
    "RESULT 0 "*) log "no request completed: $out"; cat "$out" >&2; return 1 ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$server" "$c" "$round" "$(tr ' ' '\t' <<<"${line#RESULT }")" \
    >>results/runs.tsv
}

# Rounds interleave hetong and OpenSSL so that drift in the machine's other load hits both.
tsa=application/timestamp-query
ocsp=application/ocsp-request
multi="openssl ocsp -multi $OPENSSL_MULTI"
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do
    run tsa-sm3 "POST /tsa SM3 → SM2 token" hetong "$hetong_url/tsa" ts-sm3.tsq $tsa "$c" "$round"
    run tsa-sha256 "POST /tsa SHA-256 → RSA token" hetong "$hetong_url/tsa" ts-sha256.tsq $tsa "$c" "$round"
    run ocsp-nononce "POST /pki/ocsp RSA, no nonce" hetong "$hetong_url/pki/ocsp" ocsp-nononce.der $ocsp \
      "$c" "$round"
    run openssl-nononce "POST /pki/ocsp RSA, no nonce" "openssl ocsp" - oocsp-nononce.der $ocsp "$c" "$round"
    run ocsp-nonce "POST /pki/ocsp RSA, nonce" hetong "$hetong_url/pki/ocsp" ocsp-nonce.der $ocsp "$c" "$round"
    run openssl-nonce "POST /pki/ocsp RSA, nonce" "openssl ocsp" - oocsp-nonce.der $ocsp "$c" "$round"
    if [ "$OPENSSL_MULTI" -gt 0 ]; then
      run openssl-multi-nonce "POST /pki/ocsp RSA, nonce" "$multi" - oocsp-nonce.der $ocsp "$c" "$round" \
        -multi "$OPENSSL_MULTI"
    fi
  done
  load_rounds+=("after round $round: $(uptime)")
done

# ---- report ----
echo "http_bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), host $(hostname), $(nproc) CPUs; wrk $WRK_THREADS" \
  "thread(s), $DURATION per run; median of $ROUNDS round(s), requests/s range in brackets."
echo "hetong serve: server.threads = 8 (default), log.level = $LOG_LEVEL. openssl ocsp: a fresh process per run."
echo "load before: $load_before"
for l in "${load_rounds[@]}"; do echo "load $l"; done
echo
python3 - results/runs.tsv <<'PY'
import statistics
import sys


def fmt_us(us):
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


groups = {}  # (label, server, connections) -> runs, in first-run order
for line in open(sys.argv[1], encoding="utf-8"):
    label, server, conns, _, n, dur, p50, p90, p99, mx, errs, status = line.rstrip("\n").split("\t")
    groups.setdefault((label, server, int(conns)), []).append(
        dict(rps=float(n) / (float(dur) / 1e6), p50=float(p50), p90=float(p90), p99=float(p99),
             max=float(mx), errs=int(errs), status=int(status)))
order = list(groups)
print("| request | server | connections | requests/s | p50 | p90 | p99 | max | socket errors / non-2xx |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for key in sorted(order, key=lambda k: (k[2], order.index(k))):
    label, server, conns = key
    runs = groups[key]

    def med(k):
        return statistics.median(r[k] for r in runs)

    rps = f"{med('rps'):,.0f}"
    if len(runs) > 1:
        rps += f" [{min(r['rps'] for r in runs):,.0f}–{max(r['rps'] for r in runs):,.0f}]"
    print(f"| {label} | {server} | {conns} | {rps} | {fmt_us(med('p50'))} | {fmt_us(med('p90'))} "
          f"| {fmt_us(med('p99'))} | {fmt_us(max(r['max'] for r in runs))} "
          f"| {sum(r['errs'] for r in runs)} / {sum(r['status'] for r in runs)} |")
PY
if [ "${KEEP:-0}" = 1 ]; then
  echo
  echo "wrk outputs: $work/results; server logs: $work/hetong.log, $work/openssl-*.log"
fi
