#!/usr/bin/env bash
# The main job against a local health space: starts the sandbox, pushes the example documents
# over both transports (the consultation note over MHD, the N1 document made from the PDF over
# XDS.b), pushes them again (the ledger skips them), reads them back and checks the bytes.
# HEALTHDOC names the binary (default: build/cli/healthdoc beside this folder).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
healthdoc=${HEALTHDOC:-$here/../build/cli/healthdoc}
work=$(mktemp -d)
sandbox_pid=
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$healthdoc" sandbox --port 0 --db "$work/sandbox.sqlite" > "$work/sandbox.out" 2>/dev/null &
sandbox_pid=$!
for _ in $(seq 100); do grep -q "XDS.b repository" "$work/sandbox.out" 2>/dev/null && break; sleep 0.05; done
fhir=$(sed -n 's/^FHIR base: //p' "$work/sandbox.out")
xds=$(sed -n 's/^XDS.b repository: //p' "$work/sandbox.out")
[ -n "$fhir" ] && [ -n "$xds" ] || { echo "the sandbox did not start"; exit 1; }
echo "sandbox: $fhir and $xds"

"$healthdoc" convert "$here/n1/report.pdf" --to cda --metadata "$here/n1/report.metadata.json" -o "$work/report.cda.xml" -q \
  > /dev/null || exit 1
# What the CDA header cannot give: the submission's contentTypeCode, and the classCode and
# (structured documents) formatCode whose ANS mapping tables are not built in.
common=(--content-type-code 07 --class-code 10 --format-code urn:ihe:pcc:xds-ms:2007 --ledger "$work/ledger.sqlite")
status=0
echo
echo "== healthdoc push examples/valid/consultation-note.xml over MHD (expect exit 0)"
"$healthdoc" push "$here/valid/consultation-note.xml" --endpoint "$fhir" --transport mhd "${common[@]}" || status=1
echo
echo "== healthdoc push the N1 document over XDS.b (expect exit 0)"
"$healthdoc" push "$work/report.cda.xml" --endpoint "$xds" --transport xds "${common[@]}" || status=1
echo
echo "== healthdoc push examples/fhir/consultation-note.json, a FHIR document, over XDS.b (expect exit 0)"
# A FHIR document carries no practice setting; its facility type comes from its Encounter.
"$healthdoc" push "$here/fhir/consultation-note.json" --endpoint "$xds" --transport xds "${common[@]}" \
  --practice-setting AMBULATOIRE || status=1
echo
echo "== the same again: the ledger knows they were accepted (expect already-accepted)"
"$healthdoc" push "$here/valid/consultation-note.xml" --endpoint "$fhir" --transport mhd "${common[@]}" -q | grep outcome
echo
echo "== read back (ITI-67 search, ITI-68 retrieve) and compare the bytes"
for document in "$here/valid/consultation-note.xml" "$work/report.cda.xml" "$here/fhir/consultation-note.json"; do
  case "$document" in
  *.json) id=urn:oid:$(sed -n 's/.*"value": "urn:oid:\([^"]*\)".*/\1/p' "$document" | head -1) ;;
  *) id=$("$healthdoc" inspect --format json "$document" | sed -n 's/.*"uniqueId": "\([^"]*\)".*/\1/p' | head -1) ;;
  esac
  url=$(curl -sf "$fhir/DocumentReference?identifier=$(printf '%s' "$id" | sed 's/\^/%5E/g')" |
    sed -n 's/.*"url": *"\([^"]*Binary[^"]*\)".*/\1/p' | head -1)
  if [ -n "$url" ] && curl -sf "$url" | cmp -s - "$document"; then
    echo "$(basename "$document"): stored once, read back identical ($url)"
  else
    echo "$(basename "$document"): NOT read back identical"; status=1
  fi
done
exit $status
