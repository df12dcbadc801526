#!/usr/bin/env bash
# The main job on the bundled examples: validate the valid ones (exit 0 expected), show the
# findings on the broken ones (exit 1 expected), inspect one document, make an N1 document from a
# PDF (examples/n1/make-n1.sh), and push to a local sandbox (examples/push-to-sandbox.sh).
# HEALTHDOC names the binary (default: build/cli/healthdoc beside this folder).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
healthdoc=${HEALTHDOC:-$here/../build/cli/healthdoc}
kit=${HEALTHDOC_SHARED:-$here/../../shared}/reference/cda/ans-testcontenucda

# The CDA schema comes from an installed ANS rules pack. When none is installed and the ANS kit
# is beside the checkout, install it once (into ~/.local/share/healthdoc/rules).
if [ -z "${HEALTHDOC_SCHEMAS:-}" ] && ! "$healthdoc" packages list | grep -q "ANS CI-SIS kit" && [ -d "$kit" ]; then
  echo "== installing the ANS CI-SIS kit as a rules pack"
  "$healthdoc" packages install "$kit" --name ans-cisis || exit 2
fi

# FHIR inputs are validated against the FHIR R4 core package from the package cache
# (~/.fhir/packages). When it is not installed there, use the reference copy beside the checkout.
fhir_packages=${HEALTHDOC_SHARED:-$here/../../shared}/reference/fhir/packages
if [ -z "${HEALTHDOC_PACKAGE_CACHE:-}" ] && ! "$healthdoc" packages list | grep -q "hl7.fhir.r4.core" &&
  [ -d "$fhir_packages" ]; then
  export HEALTHDOC_PACKAGE_CACHE=$fhir_packages
fi

status=0
echo "== healthdoc validate examples/valid examples/fhir (expect exit 0)"
"$healthdoc" validate "$here/valid" "$here/fhir"
code=$?
[ $code -eq 0 ] || { echo "unexpected exit $code"; status=1; }

echo
echo "== healthdoc validate examples/invalid (expect exit 1 and one finding per file)"
"$healthdoc" validate "$here/invalid"
code=$?
[ $code -eq 1 ] || { echo "unexpected exit $code"; status=1; }

echo
echo "== healthdoc inspect examples/valid/consultation-note.xml"
"$healthdoc" inspect "$here/valid/consultation-note.xml" || status=1

echo
echo "== examples/n1/make-n1.sh: a PDF report to a CDA N1 document, validated and inspected"
HEALTHDOC=$healthdoc "$here/n1/make-n1.sh" || status=1

echo
echo "== examples/push-to-sandbox.sh: push to a local sandbox over MHD and XDS.b, read back"
HEALTHDOC=$healthdoc "$here/push-to-sandbox.sh" || status=1

exit $status
