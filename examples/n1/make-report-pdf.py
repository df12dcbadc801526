#!/usr/bin/env python3
"""Writes report.pdf: a one-page consultation report whose XMP metadata declares PDF/A-1b.

Hand-made so the example stays small (< 5 KB) and its origin is known. It only *declares*
PDF/A-1b (pdfaid:part 1, conformance B): a conforming PDF/A would also embed its font and an
output intent, which the DMP's own checks do not look at. Run: python3 make-report-pdf.py
"""
import pathlib

XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>1</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Compte rendu de consultation</rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""

TEXT = b"""BT /F1 16 Tf 72 760 Td (Compte rendu de consultation) Tj ET
BT /F1 11 Tf 72 730 Td (Exemple fictif fabrique pour healthdoc.) Tj ET
BT /F1 11 Tf 72 712 Td (Motif : controle annuel. Examen clinique normal.) Tj ET
BT /F1 11 Tf 72 694 Td (Conclusion : pas de traitement. Revoir dans un an.) Tj ET"""


def build() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(TEXT) + TEXT + b"\nendstream",
        b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(XMP) + XMP + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


if __name__ == "__main__":
    here = pathlib.Path(__file__).resolve().parent
    (here / "report.pdf").write_bytes(build())
