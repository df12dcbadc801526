#include "cda/schematron_layer.hpp"

#include "cda/background_build.hpp"

#include "cda/model_schematrons.hpp"
#include "cda/schematron/engine.hpp"
#include "cda/schematron/loader.hpp"
#include "formats/errors.hpp"

#include <algorithm>
#include <cctype>
#include <future>
#include <map>
#include <mutex>
#include <set>

namespace healthdoc::cda {
namespace {

namespace fs = std::filesystem;
using formats::Severity;
using Compiled = std::shared_ptr<const schematron::CompiledSchema>;

Severity severity_of(const std::string& role) {
    std::string lower = role;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "warning" || lower == "warn") return Severity::warning;
    if (lower == "info" || lower == "information" || lower == "note") return Severity::information;
    return Severity::error;
}

// Loads and compiles `file`; nullptr (findings in `out`) when it cannot be loaded.
Compiled load_and_compile(const fs::path& file, const std::string& phase, formats::Diagnostics& out) {
    auto schema = schematron::load_schema(file, out);
    if (!schema) return nullptr;
    return schematron::CompiledSchema::compile(std::move(*schema), phase, out);
}

// Warnings that hold for the whole run, said once (with the first document that meets them).
class OncePerRun {
public:
    void report(const formats::Diagnostics& problems, formats::Diagnostics& out) {
        std::lock_guard lock(m_mutex);
        for (const auto& problem : problems.items())
            if (m_seen.insert(problem.message).second) out.report(problem);
    }

private:
    std::mutex m_mutex;
    std::set<std::string> m_seen;
};

// Runs `compiled` over the input and reports its findings under `layer`.
void run_schematron(const schematron::CompiledSchema& compiled, const std::string& layer, const LayerInput& input,
                    xpath::DocumentProvider& documents, OncePerRun& once, formats::Diagnostics& out) {
    auto result = compiled.run(*input.xml, &documents);
    const schematron::Schema& schema = compiled.schema();
    // The ids of the sch:diagnostics a finding's check names (a finding carries their texts, in
    // the same order): its check is the one written where the finding says, in its pattern.
    auto diagnostic_ids = [&schema](const schematron::Finding& finding) -> const std::vector<std::string>* {
        for (const auto& pattern : schema.patterns) {
            if (pattern.id != finding.pattern) continue;
            for (const auto& rule : pattern.rules)
                for (const auto& check : rule.checks)
                    if (check.where.file == finding.written_at.file && check.where.line == finding.written_at.line &&
                        check.where.column == finding.written_at.column && check.test == finding.test)
                        return &check.diagnostics;
        }
        return nullptr;
    };
    for (const auto& finding : result.findings) {
        std::string id = !finding.id.empty() ? finding.id : !finding.pattern.empty() ? finding.pattern : "unnamed";
        std::string message = finding.message;
        for (const auto& diagnostic : finding.diagnostics)
            if (!diagnostic.empty()) message += " [" + diagnostic + "]";
        auto location = input.xml->location_of(finding.node);
        location.path = finding.location;
        formats::Diagnostic diagnostic{severity_of(finding.role), "schematron." + layer + "." + id, message, location};
        // What SVRL reports about the check (formats/render_svrl.hpp).
        formats::RuleCheck check;
        check.kind = finding.is_report ? formats::RuleCheck::Kind::report : formats::RuleCheck::Kind::assertion;
        check.expression = finding.test;
        check.id = finding.id;
        check.role = finding.role;
        check.flag = finding.flag;
        check.see = finding.see;
        check.group = finding.pattern;
        if (message != finding.message) check.message = finding.message;
        if (!finding.diagnostics.empty()) {
            const auto* ids = diagnostic_ids(finding);
            for (std::size_t i = 0; i < finding.diagnostics.size(); ++i)
                check.notes.emplace_back(ids && i < ids->size() ? (*ids)[i] : "", finding.diagnostics[i]);
        }
        check.rule_set = layer;
        check.rule_set_title = schema.title;
        check.rule_set_version = schema.schema_version;
        check.phase = compiled.phase();
        diagnostic.check = std::move(check);
        out.report(std::move(diagnostic));
    }
    once.report(result.problems, out);
}

class SchematronFileLayer final : public ValidationLayer {
public:
    SchematronFileLayer(Compiled compiled, std::string name)
        : m_compiled(std::move(compiled)), m_name(std::move(name)) {}
    std::string_view name() const override { return "schematron"; }
    bool applies_to(formats::Format format) const override {
        return format == formats::Format::cda || format == formats::Format::cda_autopresentable ||
               format == formats::Format::fhir_xml || format == formats::Format::xml;
    }
    void run(const LayerInput& input, formats::Diagnostics& out) const override {
        if (!input.xml) return;
        run_schematron(*m_compiled, m_name, input, m_documents, m_once, out);
    }

private:
    Compiled m_compiled;
    std::string m_name;
    mutable xpath::FileDocumentProvider m_documents;
    mutable OncePerRun m_once;
};

// The kit's shared layers, as its scripts run them (each with its default phase).
const std::vector<std::pair<std::string, std::string>> k_shared_layers = {
    {"IHE", "profils/IHE.sch"},
    {"terminologies", "profils/terminologies/schematron/terminologie.sch"},
    {"ModelesDeContenusCDA", "profils/CI-SIS_ModelesDeContenusCDA.sch"},
    {"StructurationMinimale", "profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch"},
    {"Modeles_ANS", "profils/CI-SIS_Modeles_ANS.sch"},
};

class OfficialLayers final : public ValidationLayer {
public:
    explicit OfficialLayers(fs::path schematrons) : m_schematrons(std::move(schematrons)) {
        m_models = model_schematrons(m_schematrons);
    }

    std::string_view name() const override { return "cisis-official"; }
    bool applies_to(formats::Format format) const override {
        return format == formats::Format::cda || format == formats::Format::cda_autopresentable;
    }
    void start() const override { m_shared.start(); }
    bool started() const override { return m_shared.started(); }
    bool ready() const override { return m_shared.ready(); }
    void wait() const override { m_shared.get(); }

    void run(const LayerInput& input, formats::Diagnostics& out) const override {
        if (!input.xml || !input.clinical_document) return;
        const auto& shared = m_shared.get();
        {
            // What compiling the pack found (broken includes...), said once.
            formats::Diagnostics setup = m_setup;
            m_once.report(setup, out);
        }
        for (const auto& [name, compiled] : shared) run_schematron(*compiled, name, input, m_documents, m_once, out);
        const ModelSchematron* model = choose_model(m_models, document_facts(input.clinical_document));
        if (!model) return;
        if (auto compiled = model_compiled(*model, out))
            run_schematron(*compiled, model->model, input, m_documents, m_once, out);
    }

private:
    Compiled model_compiled(const ModelSchematron& model, formats::Diagnostics& out) const {
        std::shared_future<std::pair<Compiled, formats::Diagnostics>> future;
        {
            std::lock_guard lock(m_mutex);
            auto found = m_model_cache.find(model.file.string());
            if (found == m_model_cache.end()) {
                fs::path file = model.file;
                future = std::async(std::launch::deferred, [file] {
                             formats::Diagnostics problems;
                             auto compiled = load_and_compile(file, "", problems);
                             return std::make_pair(compiled, problems);
                         }).share();
                m_model_cache.emplace(model.file.string(), future);
            } else {
                future = found->second;
            }
        }
        const auto& [compiled, problems] = future.get();
        m_once.report(problems, out);
        return compiled;
    }

    fs::path m_schematrons;
    std::vector<ModelSchematron> m_models;
    formats::Diagnostics m_setup; // written by the compiling thread before m_shared is ready
    BackgroundBuild<std::vector<std::pair<std::string, Compiled>>> m_shared{[this] {
        std::vector<std::pair<std::string, Compiled>> layers;
        for (const auto& [name, file] : k_shared_layers) {
            formats::Diagnostics out;
            if (auto compiled = load_and_compile(m_schematrons / file, "", out))
                layers.emplace_back(name, std::move(compiled));
            m_setup.append(out);
        }
        return layers;
    }};
    mutable std::mutex m_mutex;
    mutable std::map<std::string, std::shared_future<std::pair<Compiled, formats::Diagnostics>>> m_model_cache;
    mutable xpath::FileDocumentProvider m_documents;
    mutable OncePerRun m_once;
};

} // namespace

std::unique_ptr<ValidationLayer> make_schematron_layer(const fs::path& file, const std::string& phase,
                                                       formats::Diagnostics& setup) {
    formats::Diagnostics out;
    auto compiled = load_and_compile(file, phase, out);
    setup.append(out);
    if (!compiled) throw UsageError("--schematron " + file.string() + " could not be loaded (see the findings above)");
    return std::make_unique<SchematronFileLayer>(std::move(compiled), file.stem().string());
}

std::unique_ptr<ValidationLayer> make_official_layers(const RulesPack& pack, formats::Diagnostics&) {
    return std::make_unique<OfficialLayers>(pack.path / "schematrons");
}

} // namespace healthdoc::cda
