// The validation pipeline: given any input, detect what it is and run the layers that apply
// (XML well-formedness, CDA schema, and the layers later issues add). Compiled once per run,
// then used from many threads at once.
#pragma once

#include "formats/diagnostic.hpp"
#include "formats/report.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"

#include <memory>
#include <optional>
#include <string>

namespace healthdoc::cda {

class XsdSchema;

// Where definitions come from and which layers to run. Empty optionals mean "find it the
// usual way" (options, then environment variables, then installed packs).
struct ValidationSettings {
    std::optional<std::string> schemas;  // --schemas DIR or FILE
    std::optional<std::string> rules_dir;// where CDA rules packs are installed
    formats::XmlLimits limits;
};

class Validator {
public:
    // Resolves and compiles what the settings name. Problems with the set-up itself (a schema
    // that does not compile, a missing pack) are reported once into `setup` — warnings when a
    // layer is skipped, errors when something named explicitly cannot be used (then also throws
    // UsageError).
    Validator(const ValidationSettings& settings, formats::Diagnostics& setup);
    ~Validator();
    Validator(const Validator&) = delete;
    Validator& operator=(const Validator&) = delete;

    // Validates one input. Thread-safe. Never throws for bad documents: everything becomes
    // diagnostics in the report. `unreadable` is set when the input is not a document at all.
    formats::DocumentReport validate(const formats::SourceText& source) const;

    // The schema file in use, or "" when the schema layer is skipped.
    std::string schema_path() const;

private:
    std::unique_ptr<XsdSchema> m_schema;
    ValidationSettings m_settings;
};

} // namespace healthdoc::cda
