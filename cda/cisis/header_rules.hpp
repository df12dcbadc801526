// The CI-SIS header rules ("structuration minimale" of the ANS interoperability framework) as
// native checks: every ClinicalDocument the DMP receives must pass them, whatever its model.
// Each finding has a stable `cisis.header.*` rule id, line:col and XPath, and says what is
// expected. Check digits of national ids are warnings (the official rules do not check them).
#pragma once

#include "cda/validation.hpp"
#include "cda/value_sets.hpp"
#include "formats/diagnostic.hpp"
#include "formats/xml_document.hpp"

#include <pugixml.hpp>

#include <memory>

namespace healthdoc::cda {

// Checks the header of `clinical_document` (an element of `document`) into `out`.
void check_cisis_header(const formats::XmlDocument& document, const pugi::xml_node& clinical_document,
                        const ValueSets& value_sets, formats::Diagnostics& out);

// The rules as a validation layer for CDA documents (plain and auto-presentable).
std::unique_ptr<ValidationLayer> make_cisis_header_layer(ValueSets value_sets);

} // namespace healthdoc::cda
