#!/usr/bin/env bash
# healthdoc's FHIR validator against the `fhir` npm package (its validator) on the shared R4
# examples: the same files, read and parsed inside the timed part, one thread each, CPU time.
# Installs the npm package into a scratch folder (never into the project).
#   bench/fhir_vs_npm.sh BUILD_DIR [SHARED_DIR] [runs]
set -euo pipefail
build=${1:?usage: bench/fhir_vs_npm.sh BUILD_DIR [SHARED_DIR] [runs]}
shared=${2:-${HEALTHDOC_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
examples="$shared/reference/fhir/r4-examples"
cache="$shared/reference/fhir/packages"
npm_dir=${HEALTHDOC_BENCH_DIR:-${TMPDIR:-/tmp}/healthdoc-bench}/npm-fhir
if [ ! -d "$npm_dir/node_modules/fhir" ]; then
    mkdir -p "$npm_dir"
    npm install --prefix "$npm_dir" --no-audit --no-fund --silent fhir@4.12.0
fi

echo "== healthdoc (bench/fhir_validate)"
ours=$("$build/bench/fhir_validate" "$cache" "$examples" "$runs" | tee /dev/stderr | grep '^SUMMARY')
echo "== fhir npm package $(node -p "require('$npm_dir/node_modules/fhir/package.json').version")"
peer=$(NODE_PATH="$npm_dir/node_modules" node "$here/fhir_npm_validate.js" "$examples" "$runs" | tee /dev/stderr | grep '^SUMMARY')

field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<" $1"; }
ratio=$(awk -v a="$(field "$peer" all_ms)" -v b="$(field "$ours" all_ms)" 'BEGIN { printf "%.2f", a / b }')
echo "== ratio (npm time / healthdoc time, one thread, whole set): ${ratio}x"
