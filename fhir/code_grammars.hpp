// Code systems that are grammars rather than tables, checked natively so that bindings to them
// work offline: UCUM unit codes (http://unitsofmeasure.org), BCP-47 language tags
// (urn:ietf:bcp:47) and MIME types (urn:ietf:bcp:13). Each check is a syntax check: a
// well-formed code is taken as defined by its system.
#pragma once

#include <string_view>

namespace healthdoc::fhir {

enum class CodeGrammar { none, ucum, bcp47, mime };

// The grammar of a code system URL; CodeGrammar::none for table code systems.
CodeGrammar grammar_of(std::string_view system);

// Whether the grammar's codes compare case-insensitively (language tags and MIME types do).
bool grammar_case_insensitive(CodeGrammar grammar);

// Whether `code` is well formed in `grammar` (false for CodeGrammar::none).
bool grammar_accepts(CodeGrammar grammar, std::string_view code);

// UCUM (case-sensitive form, "c/s"): products and quotients of prefixed atoms with exponents,
// integer factors, 10*n, parenthesised terms and {annotations}, over the full UCUM atom table.
bool valid_ucum(std::string_view unit);

// RFC 5646 tag: language[-extlang][-script][-region]*(-variant)*(-extension)[-privateuse], or a
// private-use or grandfathered tag. Only 2-3 letter primary languages are accepted (4-8 letter
// primary subtags are reserved or unregistered).
bool valid_language_tag(std::string_view tag);

// RFC 2045 media type: a registered top-level type (or x-...), "/", a subtype token, and
// optional "; attribute=value" parameters.
bool valid_mime_type(std::string_view type);

} // namespace healthdoc::fhir
