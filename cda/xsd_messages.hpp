// Turns libxml2's schema-validation messages into healthdoc rule ids and one-sentence
// messages that name elements and attributes but never echo document values.
#pragma once

#include <string>
#include <string_view>

namespace healthdoc::cda {

struct XsdFinding {
    std::string rule;    // cda.schema.*
    std::string message; // rewritten, without values from the document
    std::string attribute; // local name of the attribute concerned ("type" for xsi:type), "" for an element
};

// Classifies and rewrites one libxml2 message such as
// "Element '{urn:hl7-org:v3}foo': This element is not expected. Expected is ( {urn:hl7-org:v3}bar )."
// into {"cda.schema.unexpected-element", "element <foo> is not allowed here; expected <bar>", ""}.
// Rules: cda.schema.unexpected-element, missing-element, unexpected-attribute, missing-attribute,
// bad-attribute-value, bad-datatype (element text), bad-type (xsi:type, abstract types), invalid
// (anything else). Values quoted from the document are dropped; never throws on odd input.
XsdFinding rewrite_xsd_message(std::string_view libxml2_message);

} // namespace healthdoc::cda
