// The validation pipeline: given any input, detect what it is, parse it (well-formedness), then
// run the layers that apply: for CDA the schema, then the built-in CI-SIS header rules (each
// independent of the other) and the official schematrons; for FHIR JSON and XML the FHIR
// validator (cda/fhir_layer.hpp); then any layer a caller adds. Compiled once per run, then used from many threads at
// once.
#pragma once

#include "fhir/validator.hpp"
#include "formats/detect.hpp"
#include "formats/diagnostic.hpp"
#include "formats/input_files.hpp"
#include "formats/report.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::fhir {
struct FhirJson;
}

namespace healthdoc::cda {

// Where definitions come from and which layers to run. Empty optionals mean "find it the
// usual way" (options, then environment variables, then installed packs).
struct ValidationSettings {
    std::optional<std::string> schemas;    // --schemas DIR or FILE
    std::optional<std::string> rules_dir;  // where CDA rules packs are installed
    std::optional<std::string> value_sets; // --value-sets DIR: IHE SVS files replacing built-in sets
    bool cisis_header_rules = true;        // the built-in CI-SIS header rules (--rules builtin)
    // The official schematron stack of an ANS pack (--rules official): `rules_pack` (--rules-pack
    // DIR, a kit folder holding schematrons/), else the installed ANS pack; a UsageError when
    // neither exists.
    bool official_rules = false;
    std::optional<std::string> rules_pack;
    std::vector<std::string> schematrons; // --schematron FILE: run on every XML input
    std::string phase;                    // --phase for those files ("" = each one's default)
    formats::XmlLimits limits;
    // FHIR inputs: the package cache, implementation guides and extra profiles (--package-cache,
    // --ig, --profile). When none is given and the core package is absent, FHIR inputs are
    // checked for well-formedness only, after one warning.
    std::optional<std::string> fhir_package_cache;
    std::vector<std::string> fhir_implementation_guides;
    std::vector<std::string> fhir_profiles;
    // References to resources the document does not hold (--references,
    // --assume-valid-rest-references).
    fhir::ReferenceChecking fhir_references = fhir::ReferenceChecking::found_targets;
    bool fhir_assume_valid_rest_references = false;
};

// What a layer is given: the input's name, its detection and its parsed form (layers only
// run on well-formed input): `xml` for XML formats (its text() is the UTF-8 text parsed),
// `json` for JSON formats, null otherwise; and the ClinicalDocument element, null unless the
// format is cda or cda-autopresentable. The raw bytes are not kept once parsed.
struct LayerInput {
    const std::string& file;
    const formats::Detection& detection;
    const formats::XmlDocument* xml = nullptr;
    const nlohmann::json* json = nullptr;
    pugi::xml_node clinical_document;
    // FHIR JSON inputs read with positions and decimals as written (`json` is its root).
    const fhir::FhirJson* fhir = nullptr;
};

// One check of the pipeline. Implementations are immutable once built: run() is called from
// many threads at once and reports findings into `out`, never throwing for bad documents.
class ValidationLayer {
public:
    virtual ~ValidationLayer() = default;
    // Short name for messages and timing ("cda-schema").
    virtual std::string_view name() const = 0;
    // Whether this layer checks inputs of `format`.
    virtual bool applies_to(formats::Format format) const = 0;
    // Starts building the layer in the background (a schema compiling), when it has to be
    // built: the run may meet inputs it applies to. Default: nothing to build.
    virtual void start() const {}
    // Whether start() was called (or the layer has nothing to build).
    virtual bool started() const { return true; }
    // False while the layer is still being built (starting the build if needed); run() then
    // waits for it.
    virtual bool ready() const { return true; }
    // Builds the layer if needed and blocks until it is built; throws UsageError when it could
    // not be. Default: no-op.
    virtual void wait() const {}
    virtual void run(const LayerInput& input, formats::Diagnostics& out) const = 0;
};

class Validator {
public:
    // Resolves what the settings name and starts compiling the schema on a background thread,
    // so that reading and parsing the first documents overlap with it. Problems with the set-up
    // itself are reported once into `setup`: a warning `cda.schema.skipped` when no CDA schema
    // is found (documents are then checked for well-formedness only). Throws UsageError when a
    // path named explicitly (--schemas, HEALTHDOC_SCHEMAS) does not exist or holds no CDA
    // schema; a schema that does not compile is a UsageError from wait_until_ready(), and from
    // validate() / validate_all().
    Validator(const ValidationSettings& settings, formats::Diagnostics& setup);
    ~Validator();
    Validator(const Validator&) = delete;
    Validator& operator=(const Validator&) = delete;

    // Appends a layer, run after those already there. Not thread-safe: call before validating.
    void add_layer(std::unique_ptr<ValidationLayer> layer);

    // Validates one input. Thread-safe. Never throws for bad documents: everything becomes
    // diagnostics in the report. `unreadable` is set when the input is not a document that can
    // be validated (unknown format; PDF, text and images, which need wrapping in CDA first).
    // Layers stop at the first fatal finding. Waits for the schema when it is still compiling.
    formats::DocumentReport validate(const formats::SourceText& source) const;

    // Reads and validates `inputs` (files, or "-" for standard input) on up to `jobs` threads
    // (0: one per core) and returns their reports in input order. An input that cannot be read
    // gets an unreadable report (`io.read.failed`) and the run goes on. While the schema is
    // still compiling, inputs are read and parsed ahead (up to k_parse_ahead_bytes of them), so
    // compiling and parsing overlap. Throws UsageError when the schema does not compile.
    std::vector<formats::DocumentReport> validate_all(const std::vector<formats::InputRef>& inputs,
                                                      unsigned jobs) const;
    // Input bytes validate_all() may hold parsed while the schema compiles (parsed documents
    // take about three times their size).
    static constexpr std::size_t k_parse_ahead_bytes = std::size_t{32} * 1024 * 1024;

    // Blocks until every layer is built. Throws UsageError when one could not be (a schema
    // that does not compile, naming the file and libxml2's complaint).
    void wait_until_ready() const;

    // The schema file in use, or "" when the schema layer is skipped.
    std::string schema_path() const;
    // The pack whose official schematrons run, or "" when they do not.
    const std::string& official_pack() const noexcept { return m_official_pack; }

private:
    struct Prepared; // an input detected and parsed, waiting for its layers (validation.cpp)
    void prepare(const formats::SourceText& source, Prepared& prepared) const;
    formats::DocumentReport finish(Prepared& prepared) const;
    bool can_finish_now(const Prepared& prepared) const;

    std::vector<std::unique_ptr<ValidationLayer>> m_layers;
    std::string m_schema_path;
    std::string m_official_pack;
    ValidationSettings m_settings;
};

} // namespace healthdoc::cda
