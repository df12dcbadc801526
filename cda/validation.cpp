// Placeholder until the XSD layer lands.
#include "cda/validation.hpp"

namespace healthdoc::cda {

class XsdSchema {};

Validator::Validator(const ValidationSettings& settings, formats::Diagnostics&) : m_settings(settings) {}
Validator::~Validator() = default;

formats::DocumentReport Validator::validate(const formats::SourceText& source) const {
    formats::DocumentReport report;
    report.file = source.name();
    return report;
}

std::string Validator::schema_path() const { return {}; }

} // namespace healthdoc::cda
