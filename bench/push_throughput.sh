#!/usr/bin/env bash
# Pushes N small documents (default 1000) to a local sandbox over MHD with --jobs 8, the ledger
# on, and prints documents per second and the p50/p99 per-document latency. For scale it then
# posts the same ITI-65 bundles (saved by a --dry-run) with curl, 8 at a time, to a fresh
# sandbox: the bare HTTP cost of the same work without validation, mapping or the ledger.
# Target: >= 200 documents per second on 2 cores.
# Usage: bench/push_throughput.sh [count] [jobs]   (HEALTHDOC overrides the binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
healthdoc=${HEALTHDOC:-$root/build/cli/healthdoc}
count=${1:-1000}
jobs=${2:-8}
[ -x "$healthdoc" ] || { echo "no healthdoc binary at $healthdoc (set HEALTHDOC)"; exit 2; }
command -v curl >/dev/null || { echo "curl is missing (apt-get install curl)"; exit 2; }
work=$(mktemp -d)
sandbox_pid=
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Starts a sandbox on a free port with database $1; sets $fhir.
start_sandbox() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true
  "$healthdoc" sandbox --port 0 --db "$1" --quiet > "$work/sandbox.out" &
  sandbox_pid=$!
  for _ in $(seq 100); do grep -q "FHIR base" "$work/sandbox.out" 2>/dev/null && break; sleep 0.05; done
  fhir=$(sed -n 's/.*FHIR base: *\(http[^ ]*\).*/\1/p' "$work/sandbox.out" | head -1)
  [ -n "$fhir" ] || { echo "the sandbox did not start"; cat "$work/sandbox.out"; exit 2; }
}

mkdir -p "$work/docs"
template=$root/examples/valid/consultation-note.xml
for i in $(seq -f '%05g' 1 "$count"); do
  sed "s|<id root=\"1.2.250.1.999.1.1.20240115.1\"/>|<id root=\"1.2.250.1.999.1.1.20240115.1\" extension=\"BENCH-$i\"/>|" \
    "$template" > "$work/docs/doc-$i.xml"
done

start_sandbox "$work/push.sqlite"
started=$(date +%s.%N)
"$healthdoc" push "$work/docs" --endpoint "$fhir" --transport mhd --content-type-code 07 --jobs "$jobs" --ledger "$work/ledger.sqlite" \
  --format json -o "$work/report.json" -q || { echo "push failed"; exit 1; }
ended=$(date +%s.%N)
accepted=$(grep -c '"outcome": "accepted"' "$work/report.json" || true)
grep '"seconds"' "$work/report.json" | sed 's/.*"seconds": *//; s/,$//' | sort -g | head -n "$count" > "$work/latencies"
p50=$(awk -v n="$count" 'NR == int(n * 0.50 + 0.5) { printf "%.1f", $1 * 1000 }' "$work/latencies")
p99=$(awk -v n="$count" 'NR == int(n * 0.99 + 0.5) { printf "%.1f", $1 * 1000 }' "$work/latencies")
rate=$(awk -v c="$count" -v s="$started" -v e="$ended" 'BEGIN { printf "%.0f", c / (e - s) }')
echo "healthdoc push: $accepted/$count accepted in $(awk -v s="$started" -v e="$ended" 'BEGIN { printf "%.2f", e - s }') s," \
  "$rate documents/s, latency p50 ${p50} ms, p99 ${p99} ms (jobs $jobs, ledger on)"

# The peer: curl posting the same bundles.
"$healthdoc" push "$work/docs" --endpoint "$fhir" --transport mhd --content-type-code 07 --dry-run --save-payloads "$work/payloads" -q \
  --format json -o /dev/null
start_sandbox "$work/curl.sqlite"
started=$(date +%s.%N)
ls "$work/payloads"/*.json | xargs -P "$jobs" -n 20 sh -c 'for f; do curl -s -o /dev/null -w "%{http_code}\n" \
  -H "Content-Type: application/fhir+json" --data-binary @"$f" "'"$fhir"'"; done' sh > "$work/curl.codes"
ended=$(date +%s.%N)
curl_ok=$(grep -c '^200$' "$work/curl.codes" || true)
curl_rate=$(awk -v c="$count" -v s="$started" -v e="$ended" 'BEGIN { printf "%.0f", c / (e - s) }')
echo "curl (peer):    $curl_ok/$count accepted, $curl_rate documents/s"
echo "ratio healthdoc/curl throughput: $(awk -v a="$rate" -v b="$curl_rate" 'BEGIN { printf "%.2f", a / b }')"
