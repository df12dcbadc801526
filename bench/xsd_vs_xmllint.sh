#!/usr/bin/env bash
# Validates the ANS example documents against CDA_extended.xsd with healthdoc (XSD layer,
# schema compiled once in the background while the documents are parsed, --jobs threads) and
# with xmllint (one process for all files, the fairest use of it), and prints the median wall
# time and CPU time (user + sys) of each over several runs, and their ratios.
# Target: wall ratio <= 0.5 on an otherwise idle machine. The CPU ratio is printed too because
# on a busy machine the wall times measure the scheduler more than the programs.
# Usage: bench/xsd_vs_xmllint.sh [runs] [jobs]
#   HEALTHDOC (default build/cli/healthdoc) and HEALTHDOC_SHARED (default ../shared) override
#   where the binary and the reference data are.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
healthdoc=${HEALTHDOC:-$root/build/cli/healthdoc}
kit=${HEALTHDOC_SHARED:-$root/../shared}/reference/cda/ans-testcontenucda
runs=${1:-11}
jobs=${2:-2}
schema=$kit/infrastructure/cda/CDA_extended.xsd
command -v xmllint >/dev/null || { echo "xmllint is missing (apt-get install libxml2-utils)"; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)"; exit 2; }
[ -x "$healthdoc" ] || { echo "no healthdoc binary at $healthdoc (set HEALTHDOC)"; exit 2; }
[ -f "$schema" ] || { echo "ANS kit not found at $kit (set HEALTHDOC_SHARED)"; exit 2; }
files=("$kit"/ExemplesCDA/*.xml)

# Runs a command $runs times; prints "median-wall-ms median-cpu-ms".
measure() {
  local walls=() cpus=() out
  out=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$out" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
    read -r wall user sys < "$out"
    walls+=("$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  rm -f "$out"
  local median='{a[NR]=$1} END {print a[int((NR+1)/2)]}'
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | awk "$median") $(printf '%s\n' "${cpus[@]}" | sort -n | awk "$median")"
}

# Warm the page cache so both read the files from memory, and check both accept every file.
cat "${files[@]}" > /dev/null
"$healthdoc" validate -q --jobs "$jobs" --schemas "$schema" "${files[@]}" > /dev/null ||
  echo "warning: healthdoc reported findings on the examples"
xmllint --noout --schema "$schema" "${files[@]}" 2>/dev/null || echo "warning: xmllint reported findings on the examples"

read -r ours_wall ours_cpu < <(measure "$healthdoc" validate -q --jobs "$jobs" --schemas "$schema" "${files[@]}")
read -r theirs_wall theirs_cpu < <(measure xmllint --noout --schema "$schema" "${files[@]}")
echo "documents:               ${#files[@]} ($(du -ch "${files[@]}" | tail -1 | cut -f1)), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "healthdoc validate:      wall ${ours_wall} ms, cpu ${ours_cpu} ms (median of $runs, --jobs $jobs)"
echo "xmllint --schema:        wall ${theirs_wall} ms, cpu ${theirs_cpu} ms (median of $runs)"
awk -v a="$ours_wall" -v b="$theirs_wall" -v c="$ours_cpu" -v d="$theirs_cpu" 'BEGIN {
  printf "ratio healthdoc/xmllint: wall %.2f (target <= 0.50), cpu %.2f\n", a / b, c / d }'
