// Measure rules, as the reference validator's MeasureValidator applies them: groups, populations
// and stratifiers carry codes when there are several of them, and a stratifier's CQL criteria
// name a definition of one of the Measure's libraries (its ELM statements, or the CQL `define`s
// when the library carries no ELM). A library that cannot be resolved here only gets a note:
// its expressions are then not checked.
#include "fhir/validation/measure.hpp"
#include "fhir/validation/json_members.hpp"
#include "formats/base64.hpp"
#include "formats/xml_document.hpp"

#include <cctype>
#include <map>
#include <optional>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

bool has(const json& object, const char* key) { return object.is_object() && object.contains(key); }

bool is_absolute(const std::string& url) { return url.rfind("urn:", 0) == 0 || url.find("://") != std::string::npos; }

// The names a library defines, read from its ELM (XML or JSON) or, without ELM, from its CQL
// text; nullopt with `problem` set when there is nothing to read them from.
struct LibraryNames {
    std::optional<std::set<std::string>> names;
    std::string problem;
};

std::set<std::string> elm_xml_names(const std::string& text, std::string& problem) {
    formats::Diagnostics ignored;
    auto document = formats::parse_xml(formats::SourceText("elm", text), ignored);
    std::set<std::string> names;
    if (!document || !document->root()) {
        problem = "its ELM content is not well-formed XML";
        return names;
    }
    const pugi::xml_node root = document->root();
    if (formats::XmlDocument::local_name(root.name()) != "library" ||
        formats::XmlDocument::namespace_uri(root) != "urn:hl7-org:elm:r1") {
        problem = "its ELM content is not an ELM library";
        return names;
    }
    for (const pugi::xml_node& child : root.children())
        if (formats::XmlDocument::local_name(child.name()) == "statements")
            for (const pugi::xml_node& def : child.children())
                if (formats::XmlDocument::local_name(def.name()) == "def")
                    names.insert(def.attribute("name").as_string());
    return names;
}

std::set<std::string> elm_json_names(const std::string& text, std::string& problem) {
    std::set<std::string> names;
    const json elm = json::parse(text, nullptr, false);
    const json* library = elm.is_object() && elm.contains("library") ? &elm["library"] : nullptr;
    if (!library || !library->is_object()) {
        problem = "its ELM content is not an ELM library";
        return names;
    }
    if (auto statements = library->find("statements"); statements != library->end() && statements->is_object())
        if (const json* defs = array_of(*statements, "def"))
            for (const auto& def : *defs) names.insert(text_of(def, "name"));
    return names;
}

// `define [public|private] [fluent] [function] "Name"` or `define Name` at the start of a line.
std::set<std::string> cql_names(const std::string& text) {
    std::set<std::string> names;
    std::size_t at = 0;
    while ((at = text.find("define", at)) != std::string::npos) {
        const bool line_start = at == 0 || text[at - 1] == '\n' || text[at - 1] == ' ' || text[at - 1] == '\t';
        std::size_t p = at + 6;
        at = p;
        if (!line_start || p >= text.size() || (text[p] != ' ' && text[p] != '\t')) continue;
        auto skip_space = [&] {
            while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
        };
        auto word = [&] {
            std::size_t start = p;
            while (p < text.size() && (std::isalnum(static_cast<unsigned char>(text[p])) || text[p] == '_')) ++p;
            return text.substr(start, p - start);
        };
        skip_space();
        for (;;) {
            const std::size_t before = p;
            const std::string w = word();
            if (w == "public" || w == "private" || w == "fluent" || w == "function") {
                skip_space();
                continue;
            }
            p = before;
            break;
        }
        if (p < text.size() && text[p] == '"') {
            const std::size_t end = text.find('"', p + 1);
            if (end == std::string::npos) break;
            names.insert(text.substr(p + 1, end - p - 1));
        } else if (std::string w = word(); !w.empty()) {
            names.insert(w);
        }
    }
    return names;
}

LibraryNames names_of(const json& library) {
    LibraryNames result;
    const json* contents = array_of(library, "content");
    std::optional<std::string> cql;
    if (contents)
        for (const auto& content : *contents) {
            const std::string type = text_of(content, "contentType");
            if (type != "application/elm+xml" && type != "application/elm+json" && type != "text/cql") continue;
            auto decoded = formats::base64_decode(text_of(content, "data"));
            if (!decoded) continue; // the base64 type check reports it
            if (type == "text/cql") {
                cql = std::move(*decoded);
                continue;
            }
            std::string problem;
            auto names =
                type == "application/elm+xml" ? elm_xml_names(*decoded, problem) : elm_json_names(*decoded, problem);
            if (!problem.empty()) {
                result.problem = problem;
                return result;
            }
            result.names = std::move(names);
            return result;
        }
    if (cql)
        result.names = cql_names(*cql);
    else
        result.problem = "it has no ELM or CQL content";
    return result;
}

struct MeasureCheck {
    Run& run;
    std::vector<const json*> libraries;
    bool unresolved = false; // a library named by an absolute canonical is not known here
    std::map<const json*, LibraryNames> names;

    void criteria(const json& criteria, const std::string& path);
};

void MeasureCheck::criteria(const json& criteria, const std::string& path) {
    const std::string language = text_of(criteria, "language");
    if (language.empty()) return; // Expression.language is required: the structure reports it
    if (language != "text/cql" && language != "text/cql.identifier") {
        run.report(Severity::warning, "fhir.measure.criteria-language",
                   "The expression language " + language + " is not supported, so the criteria were not checked.", path,
                   &criteria);
        return;
    }
    std::string expression = text_of(criteria, "expression");
    if (libraries.empty()) {
        if (!unresolved)
            run.report(Severity::error, "fhir.measure.no-cql-library", "No CQL Libraries found on this Measure.", path,
                       &criteria);
        return;
    }
    const json* library = nullptr;
    if (auto dot = expression.find('.'); dot != std::string::npos) {
        const std::string name = expression.substr(0, dot);
        expression = expression.substr(dot + 1);
        std::size_t matches = 0;
        for (const json* candidate : libraries)
            if (text_of(*candidate, "name") == name) {
                ++matches;
                if (!library) library = candidate;
            }
        if (matches > 1)
            run.report(Severity::error, "fhir.measure.cql-library-duplicate",
                       "Several of the Measure's libraries are named " + name + ".", path, &criteria);
        if (!library) {
            if (!unresolved)
                run.report(Severity::error, "fhir.measure.cql-library-not-found",
                           "No library named " + name + " was found on this Measure.", path, &criteria);
            return;
        }
    } else {
        if (libraries.size() != 1 || unresolved) {
            if (!unresolved)
                run.report(Severity::error, "fhir.measure.cql-library-ambiguous",
                           "The expression does not name its library, and the Measure has several.", path, &criteria);
            return;
        }
        library = libraries.front();
    }
    auto known = names.find(library);
    if (known == names.end()) known = names.emplace(library, names_of(*library)).first;
    const std::string url = text_of(*library, "url");
    if (!known->second.names) {
        run.report(Severity::error, "fhir.measure.cql-library-content",
                   "The library " + url + " cannot be checked: " + known->second.problem + ".", path, &criteria);
        return;
    }
    if (!known->second.names->count(expression))
        run.report(Severity::error, "fhir.measure.cql-not-found",
                   "The function " + expression + " does not exist in the library " + url + ".", path, &criteria);
}

void check_measure(Run& run, const json& measure, const ResourceFrame& frame) {
    MeasureCheck check{run, {}, false, {}};
    if (const json* libraries = array_of(measure, "library"))
        for (const auto& reference : *libraries) {
            if (!reference.is_string()) continue;
            const std::string canonical = reference.get<std::string>();
            if (canonical.empty()) continue;
            if (const json* library = resolve_canonical_resource(run, measure, frame, "Library", canonical)) {
                check.libraries.push_back(library);
                continue;
            }
            if (is_absolute(canonical)) check.unresolved = true;
            run.report(Severity::information, "fhir.measure.library-not-found",
                       "The Library " + canonical +
                           " could not be resolved, so expression validation may not be correct.",
                       frame.path, &reference);
        }
    const json* groups = array_of(measure, "group");
    if (!groups || groups->empty()) {
        run.report(Severity::warning, "fhir.measure.no-groups", "The Measure has no groups.", frame.path, &measure);
        return;
    }
    for (std::size_t g = 0; g < groups->size(); ++g) {
        const json& group = (*groups)[g];
        const std::string group_path = frame.path + ".group[" + std::to_string(g) + "]";
        if (groups->size() > 1 && !has(group, "code"))
            run.report(Severity::warning, "fhir.measure.group-code",
                       "A Measure with several groups should have a code on each group.", group_path, &group);
        const json* populations = array_of(group, "population");
        if (!populations || populations->empty())
            run.report(Severity::warning, "fhir.measure.group-population", "The group has no populations.", group_path,
                       &group);
        if (populations)
            for (std::size_t p = 0; p < populations->size(); ++p)
                if (populations->size() > 1 && !has((*populations)[p], "code"))
                    run.report(Severity::warning, "fhir.measure.population-code",
                               "A group with several populations should have a code on each population.",
                               group_path + ".population[" + std::to_string(p) + "]", &(*populations)[p]);
        const json* stratifiers = array_of(group, "stratifier");
        if (!stratifiers) continue;
        for (std::size_t s = 0; s < stratifiers->size(); ++s) {
            const json& stratifier = (*stratifiers)[s];
            const std::string stratifier_path = group_path + ".stratifier[" + std::to_string(s) + "]";
            if (stratifiers->size() > 1 && !has(stratifier, "code"))
                run.report(Severity::warning, "fhir.measure.stratifier-code",
                           "A group with several stratifiers should have a code on each stratifier.", stratifier_path,
                           &stratifier);
            if (has(stratifier, "criteria")) check.criteria(stratifier["criteria"], stratifier_path + ".criteria");
            const json* components = array_of(stratifier, "component");
            if (!components) continue;
            for (std::size_t c = 0; c < components->size(); ++c) {
                const json& component = (*components)[c];
                const std::string component_path = stratifier_path + ".component[" + std::to_string(c) + "]";
                if (components->size() > 1 && !has(component, "code"))
                    run.report(Severity::warning, "fhir.measure.stratifier-component-code",
                               "A stratifier with several components should have a code on each component.",
                               component_path, &component);
                if (has(component, "criteria")) check.criteria(component["criteria"], component_path + ".criteria");
            }
        }
    }
}

} // namespace

const json* resolve_canonical_resource(const Run& run, const json& from, const ResourceFrame& frame,
                                       const std::string& type, const std::string& canonical) {
    if (!canonical.empty() && canonical[0] == '#') {
        if (const json* contained = array_of(from, "contained"))
            for (const auto& resource : *contained)
                if (text_of(resource, "resourceType") == type && "#" + text_of(resource, "id") == canonical)
                    return &resource;
        return nullptr;
    }
    const std::string url = canonical.substr(0, canonical.find('|'));
    if (frame.bundle_index)
        for (const auto& entry : frame.bundle_index->entries)
            if (entry.resource && entry.type == type && text_of(*entry.resource, "url") == url) return entry.resource;
    if (const json* found = run.definitions.find(type, canonical)) return found;
    return url != canonical ? run.definitions.find(type, url) : nullptr;
}

void check_measure_rules(Run& run, const json& resource, const ResourceFrame& frame) {
    const std::string type = text_of(resource, "resourceType");
    if (type == "Measure")
        check_measure(run, resource, frame);
    else if (type == "MeasureReport")
        check_measure_report(run, resource, frame);
}

} // namespace healthdoc::fhir::validation
