#include "cda/validation.hpp"

#include "cda/background_build.hpp"
#include "cda/fhir_layer.hpp"
#include "cda/rule_overlap.hpp"
#include "cda/schematron_layer.hpp"

#include "cda/cisis/header_rules.hpp"

#include "cda/header.hpp"

#include "cda/schema_locator.hpp"
#include "cda/xsd_schema.hpp"
#include "fhir/fhir_json.hpp"
#include "formats/errors.hpp"
#include "formats/json_document.hpp"
#include "formats/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <mutex>

namespace healthdoc::cda {
namespace {

using Clock = std::chrono::steady_clock;

bool is_cda(formats::Format format) {
    return format == formats::Format::cda || format == formats::Format::cda_autopresentable;
}

// The CDA R2 schema (HL7 CDA.xsd, or the ANS CDA_extended.xsd with the French extensions),
// applied to the ClinicalDocument element. Compiled on a background thread: compiling
// CDA_extended.xsd takes about as long as parsing seventy documents.
class XsdLayer final : public ValidationLayer {
public:
    explicit XsdLayer(std::filesystem::path path)
        : m_schema([path] { return std::shared_ptr<XsdSchema>(XsdSchema::load(path)); }) {}
    std::string_view name() const override { return "cda-schema"; }
    bool applies_to(formats::Format format) const override { return is_cda(format); }
    void start() const override { m_schema.start(); }
    bool started() const override { return m_schema.started(); }
    bool ready() const override { return m_schema.ready(); }
    void wait() const override { m_schema.get(); }
    void run(const LayerInput& input, formats::Diagnostics& out) const override {
        if (input.xml && input.clinical_document) m_schema.get()->validate(*input.xml, input.clinical_document, out);
    }

private:
    BackgroundBuild<std::shared_ptr<XsdSchema>> m_schema;
};

formats::DocumentReport unreadable_report(const std::string& file, const std::string& reason) {
    formats::DocumentReport report;
    report.file = file;
    report.unreadable = true;
    report.diagnostics.report(formats::Severity::fatal, "io.read.failed", reason, formats::Location{file, 0, 0, ""});
    return report;
}

void refuse(formats::DocumentReport& report, const std::string& rule, const std::string& message) {
    report.unreadable = true;
    report.diagnostics.report(formats::Severity::fatal, rule, message, formats::Location{report.file, 0, 0, ""});
}

} // namespace

struct Validator::Prepared {
    formats::Detection detection;
    std::unique_ptr<formats::XmlDocument> xml;
    std::optional<nlohmann::json> json;
    std::unique_ptr<fhir::FhirJson> fhir; // FHIR JSON, read with positions
    pugi::xml_node clinical_document;
    formats::DocumentReport report;
    std::size_t bytes = 0; // size of the input, for the parse-ahead budget
    double seconds = 0.0;  // time spent so far, excluding any wait in the parse-ahead queue
};

Validator::Validator(const ValidationSettings& settings, formats::Diagnostics& setup) : m_settings(settings) {
    if (auto path = locate_cda_schema(settings.schemas, settings.rules_dir)) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*path, ec)) throw UsageError(path->string() + ": no such schema file");
        m_schema_path = path->string();
        m_layers.push_back(std::make_unique<XsdLayer>(*path));
    } else {
        setup.report(formats::Severity::warning, "cda.schema.skipped",
                     "no CDA schema found (use --schemas DIR, HEALTHDOC_SCHEMAS, or install the ANS kit with "
                     "`healthdoc packages install`); the schema layer was skipped");
    }
    if (settings.cisis_header_rules)
        m_layers.push_back(make_cisis_header_layer(load_value_sets(settings.value_sets, settings.rules_dir, setup)));
    if (settings.official_rules) {
        std::optional<RulesPack> pack;
        if (settings.rules_pack)
            pack = RulesPack{std::filesystem::path(*settings.rules_pack).filename().string(), *settings.rules_pack};
        else
            pack = find_ans_pack(settings.rules_dir);
        std::error_code ec;
        if (!pack || !std::filesystem::is_directory(pack->path / "schematrons", ec))
            throw UsageError(pack ? pack->path.string() + " holds no schematrons/ folder (an ANS CI-SIS kit expected)"
                                  : std::string("--rules official needs an ANS CI-SIS pack: install one with "
                                                "`healthdoc packages install`, or give --rules-pack DIR"));
        m_official_pack = pack->path.string();
        m_layers.push_back(make_official_layers(*pack, setup));
    }
    for (const auto& file : settings.schematrons)
        m_layers.push_back(make_schematron_layer(file, settings.phase, setup));
    FhirLayerSettings fhir_settings;
    fhir_settings.package_cache = settings.fhir_package_cache;
    fhir_settings.implementation_guides = settings.fhir_implementation_guides;
    fhir_settings.profiles = settings.fhir_profiles;
    fhir_settings.references = settings.fhir_references;
    fhir_settings.assume_valid_rest_references = settings.fhir_assume_valid_rest_references;
    if (auto layer = make_fhir_layer(fhir_settings, setup)) m_layers.push_back(std::move(layer));
}

Validator::~Validator() = default;

void Validator::add_layer(std::unique_ptr<ValidationLayer> layer) { m_layers.push_back(std::move(layer)); }

std::string Validator::schema_path() const { return m_schema_path; }

void Validator::wait_until_ready() const {
    for (const auto& layer : m_layers) layer->wait();
}

// Detection and parsing: the well-formedness check every layer relies on. A fatal stops there.
void Validator::prepare(const formats::SourceText& source, Prepared& p) const {
    auto started = Clock::now();
    p.bytes = source.size();
    p.report.file = source.name();
    p.detection = formats::detect_format(source);
    p.report.kind = std::string(formats::to_string(p.detection.format));
    switch (p.detection.format) {
    case formats::Format::cda:
    case formats::Format::cda_autopresentable:
    case formats::Format::fhir_xml:
    case formats::Format::xml:
        p.xml = formats::parse_xml(source, p.report.diagnostics, m_settings.limits);
        if (p.xml && is_cda(p.detection.format)) p.clinical_document = find_clinical_document(p.xml->root());
        break;
    case formats::Format::fhir_json:
        p.fhir = fhir::read_fhir_json(source, p.report.diagnostics,
                                      {m_settings.limits.max_bytes, m_settings.limits.max_depth});
        break;
    case formats::Format::json:
        p.json = formats::parse_json(source, p.report.diagnostics,
                                     {m_settings.limits.max_bytes, m_settings.limits.max_depth});
        break;
    case formats::Format::pdf:
    case formats::Format::text:
    case formats::Format::jpeg:
    case formats::Format::tiff:
    case formats::Format::rtf:
        refuse(p.report, "validate.input.not-validatable",
               "a " + std::string(formats::to_string(p.detection.format)) +
                   " file is not validated directly; wrap it in a CDA document first (healthdoc convert --to cda)");
        break;
    case formats::Format::unknown:
        refuse(p.report, "io.detect.unknown-format",
               "the input is not a format healthdoc recognises (CDA or other XML, FHIR JSON or XML, PDF, "
               "JPEG, TIFF, RTF, plain text)");
        break;
    }
    p.seconds += std::chrono::duration<double>(Clock::now() - started).count();
}

bool Validator::can_finish_now(const Prepared& p) const {
    if ((!p.xml && !p.json && !p.fhir) || p.report.diagnostics.has_at_least(formats::Severity::fatal)) return true;
    for (const auto& layer : m_layers)
        if (layer->applies_to(p.detection.format) && !layer->ready()) return false;
    return true;
}

formats::DocumentReport Validator::finish(Prepared& p) const {
    auto started = Clock::now();
    if (p.xml || p.json || p.fhir) {
        const nlohmann::json* json = p.json ? &*p.json : p.fhir ? &p.fhir->root : nullptr;
        LayerInput input{p.report.file, p.detection, p.xml.get(), json, p.clinical_document, p.fhir.get()};
        for (const auto& layer : m_layers) {
            if (p.report.diagnostics.has_at_least(formats::Severity::fatal)) break;
            if (layer->applies_to(p.detection.format)) layer->run(input, p.report.diagnostics);
        }
        if (m_settings.cisis_header_rules && m_settings.official_rules)
            p.report.diagnostics = merge_overlapping_findings(p.report.diagnostics);
    }
    p.report.seconds = p.seconds + std::chrono::duration<double>(Clock::now() - started).count();
    return std::move(p.report);
}

formats::DocumentReport Validator::validate(const formats::SourceText& source) const {
    Prepared p;
    prepare(source, p);
    return finish(p);
}

std::vector<formats::DocumentReport> Validator::validate_all(const std::vector<formats::InputRef>& inputs,
                                                             unsigned jobs) const {
    std::vector<formats::DocumentReport> reports(inputs.size());
    // Layers that build in the background (the CDA schema, the official schematrons) start now,
    // so that building overlaps reading the first inputs; a run of FHIR JSON alone needs none.
    if (std::any_of(inputs.begin(), inputs.end(), [](const formats::InputRef& input) {
            return input.is_stdin() || std::filesystem::path(input.path).extension() != ".json";
        }))
        for (const auto& layer : m_layers) layer->start();
    // Inputs parsed while the schema was still compiling, finished once it is ready.
    std::mutex mutex;
    std::vector<std::pair<std::size_t, Prepared>> parked;
    std::size_t parked_bytes = 0;
    formats::parallel_for(inputs.size(), jobs, [&](std::size_t i) {
        const auto& input = inputs[i];
        Prepared p;
        try {
            auto source = input.is_stdin() ? formats::SourceText::from_stdin(m_settings.limits.max_bytes)
                                           : formats::SourceText::from_file(input.path, m_settings.limits.max_bytes);
            prepare(source, p);
        } catch (const InputError& e) {
            reports[i] = unreadable_report(input.path, e.what());
            return;
        }
        if (!can_finish_now(p)) {
            std::lock_guard lock(mutex);
            if (parked_bytes + p.bytes <= k_parse_ahead_bytes) {
                parked_bytes += p.bytes;
                parked.emplace_back(i, std::move(p));
                return;
            }
        }
        reports[i] = finish(p); // waits for the schema when the parse-ahead budget is spent
    });
    if (!parked.empty()) {
        wait_until_ready();
        formats::parallel_for(parked.size(), jobs,
                              [&](std::size_t k) { reports[parked[k].first] = finish(parked[k].second); });
    }
    // A schema that does not compile fails the run even when no CDA input needed it.
    for (const auto& layer : m_layers)
        if (layer->started()) layer->wait();
    return reports;
}

} // namespace healthdoc::cda
