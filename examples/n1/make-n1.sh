#!/usr/bin/env bash
# Makes a CDA N1 document from the bundled PDF report and its metadata, validates it, and
# inspects it (XDS metadata). HEALTHDOC names the binary (default: build/cli/healthdoc beside
# this checkout); OUT names the folder the document is written to (default: a temporary one).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
healthdoc=${HEALTHDOC:-$here/../../build/cli/healthdoc}
out=${OUT:-$(mktemp -d)}
document=$out/report.cda.xml

status=0
echo "== healthdoc convert examples/n1/report.pdf --to cda (expect exit 0)"
"$healthdoc" convert "$here/report.pdf" --to cda --metadata "$here/report.metadata.json" -o "$document"
code=$?
[ $code -eq 0 ] || { echo "unexpected exit $code"; exit 1; }

echo
echo "== healthdoc validate the N1 document (expect exit 0)"
"$healthdoc" validate "$document"
code=$?
[ $code -eq 0 ] || { echo "unexpected exit $code"; status=1; }

echo
echo "== healthdoc inspect the N1 document"
"$healthdoc" inspect --format json "$document" || status=1

exit $status
