// Internal to the loader: instances of abstract patterns (ISO 19757-3 6.3, sch:pattern is-a +
// sch:param), made by textual substitution of "$name" as the ISO and SchXslt preprocessors do.
#pragma once

#include "cda/schematron/raw_schema.hpp"
#include "formats/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::cda::schematron::detail {

// `text` with every "$name" of a parameter replaced by its value, longest names first so that
// `$a` does not clobber `$ab`. Replacements are textual, like the reference preprocessors': a
// value is not re-scanned for its own name, but a shorter parameter's name inside it is replaced.
std::string substitute_params(std::string_view text, const std::vector<Param>& params);

// The concrete pattern `instance` (is-a="abstract's id") stands for: the abstract pattern's lets
// and rules with the instance's parameters substituted in every expression (rule/@context,
// assert|report/@test and @subject, let/@value, value-of/@select, name/@path,
// pattern/@documents), the instance's id and location, its title or else the abstract one's.
// Reports (warning cda.schematron.unused-param) a parameter no expression of the abstract
// pattern names, which is most likely a misspelling.
RawPattern instantiate(const RawPattern& abstract, const RawPattern& instance, formats::Diagnostics& out);

} // namespace healthdoc::cda::schematron::detail
