#!/usr/bin/env bash
# Validates the ANS example documents against CDA_extended.xsd with healthdoc (XSD layer,
# schema compiled once, both cores) and with xmllint (one process for all files), and prints
# the median wall time of each over several runs and their ratio. Target: ratio <= 0.5.
# Usage: bench/xsd_vs_xmllint.sh [runs]   (HEALTHDOC, HEALTHDOC_SHARED override the defaults)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
healthdoc=${HEALTHDOC:-$root/build/cli/healthdoc}
kit=${HEALTHDOC_SHARED:-$root/../shared}/reference/cda/ans-testcontenucda
runs=${1:-11}
schema=$kit/infrastructure/cda/CDA_extended.xsd
files=("$kit"/ExemplesCDA/*.xml)
command -v xmllint >/dev/null || { echo "xmllint is missing (apt-get install libxml2-utils)"; exit 2; }
[ -f "$schema" ] || { echo "ANS kit not found at $kit"; exit 2; }

median_ms() { # runs a command $runs times, prints the median wall time in milliseconds
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# Warm the page cache so both read the files from memory.
cat "${files[@]}" > /dev/null
ours=$(median_ms "$healthdoc" validate -q --jobs 0 --schemas "$schema" "${files[@]}")
theirs=$(median_ms xmllint --noout --schema "$schema" "${files[@]}")
echo "documents:            ${#files[@]} ($(du -ch "${files[@]}" | tail -1 | cut -f1))"
echo "healthdoc validate:   ${ours} ms (median of $runs)"
echo "xmllint --schema:     ${theirs} ms (median of $runs)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio healthdoc/xmllint: %.2f (target <= 0.50)\n", a / b }'
