#!/bin/sh
# Runs a built hetong_bench with 5 repetitions and prints a markdown table of the medians,
# hetong beside its OpenSSL peer, with the time ratio hetong / OpenSSL (bench/report.py).
# Builds nothing: `cmake --build --preset release --target bench` builds and calls this.
#
#   bench/run.sh <path/to/hetong_bench> [json output, default ./hetong_bench.json]
#                [extra benchmark flags, e.g. --benchmark_filter=sm3]
#
# Environment: PYTHON (default python3).
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 <hetong_bench binary> [json output] [benchmark flags...]" >&2
  exit 2
fi
bin=$1
shift
json=hetong_bench.json
if [ $# -gt 0 ]; then
  case $1 in
    --*) ;;
    *) json=$1; shift ;;
  esac
fi
here=$(cd "$(dirname "$0")" && pwd)

"$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@" >&2
"${PYTHON:-python3}" "$here/report.py" "$json"
