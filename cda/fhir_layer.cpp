#include "cda/fhir_layer.hpp"

#include "fhir/definitions.hpp"
#include "fhir/fhir_xml.hpp"
#include "fhir/package_cache.hpp"
#include "fhir/validator.hpp"
#include "fhir/xml_element_order.hpp"
#include "formats/errors.hpp"

#include <atomic>
#include <mutex>

namespace healthdoc::cda {
namespace {

class FhirLayer final : public ValidationLayer {
public:
    FhirLayer(std::shared_ptr<const fhir::Definitions> definitions, fhir::FhirValidationOptions options)
        : m_validator(std::move(definitions), std::move(options)) {}

    std::string_view name() const override { return "fhir"; }
    bool applies_to(formats::Format format) const override {
        return format == formats::Format::fhir_json || format == formats::Format::fhir_xml;
    }
    void run(const LayerInput& input, formats::Diagnostics& out) const override {
        if (input.fhir) {
            m_validator.validate(*input.fhir, input.file, out);
        } else if (input.xml) {
            auto resource = fhir::read_fhir_xml(*input.xml, input.file, m_validator.definitions().types(), out);
            if (resource && !out.has_at_least(formats::Severity::fatal))
                m_validator.validate(*resource, input.file, out);
        }
        report_setup_problems_once(out);
    }

private:
    // Problems of the run's set-up (an unknown profile...) found while validating: they belong
    // to the run, so only the first document that meets them carries them.
    void report_setup_problems_once(formats::Diagnostics& out) const {
        auto problems = m_validator.setup_problems();
        std::lock_guard lock(m_mutex);
        for (auto i = m_reported; i < problems.size(); ++i) out.report(problems.items()[i]);
        m_reported = std::max(m_reported, problems.size());
    }

    fhir::FhirValidator m_validator;
    mutable std::mutex m_mutex;
    mutable std::size_t m_reported = 0;
};

// Stands in when the core package is not installed and nothing FHIR-specific was asked for:
// the first FHIR input says why it was checked for well-formedness only.
class MissingDefinitionsLayer final : public ValidationLayer {
public:
    explicit MissingDefinitionsLayer(std::string message) : m_message(std::move(message)) {}
    std::string_view name() const override { return "fhir"; }
    bool applies_to(formats::Format format) const override {
        return format == formats::Format::fhir_json || format == formats::Format::fhir_xml;
    }
    void run(const LayerInput& input, formats::Diagnostics& out) const override {
        if (!m_reported.exchange(true))
            out.report(formats::Severity::warning, "fhir.definitions.missing", m_message,
                       formats::Location{input.file, 0, 0, ""});
    }

private:
    std::string m_message;
    mutable std::atomic<bool> m_reported{false};
};

} // namespace

std::unique_ptr<ValidationLayer> make_fhir_layer(const FhirLayerSettings& settings, formats::Diagnostics& setup) {
    fhir::DefinitionsOptions options;
    options.package_cache = settings.package_cache;
    options.implementation_guides = settings.implementation_guides;
    const bool required = settings.required || settings.package_cache || !settings.implementation_guides.empty() ||
                          !settings.profiles.empty() || settings.references != fhir::ReferenceChecking::found_targets ||
                          settings.assume_valid_rest_references;
    if (!required && !fhir::find_package(options.core, options.package_cache))
        return std::make_unique<MissingDefinitionsLayer>(
            "the FHIR core package " + options.core + " is not in the package cache " +
            fhir::package_cache_directory(options.package_cache).string() +
            ", so FHIR inputs are checked for well-formedness only (install it with `healthdoc packages install "
            "hl7.fhir.r4.core-4.0.1.tgz`, or give --package-cache DIR)");
    auto definitions = fhir::Definitions::load(options, setup);
    // FHIR XML inputs are read in the element order of the core package's definitions.
    if (!definitions->packages().empty()) fhir::set_xml_element_order_source(definitions->packages().front().folder);
    fhir::FhirValidationOptions validation;
    validation.profiles = settings.profiles;
    validation.references = settings.references;
    validation.assume_valid_rest_references = settings.assume_valid_rest_references;
    return std::make_unique<FhirLayer>(std::move(definitions), std::move(validation));
}

} // namespace healthdoc::cda
