// Extensions by their definitions, as the reference validator (InstanceValidator.checkExtension):
// the url must be there, absolute (relative urls only name sub-extensions of a complex
// extension, which must be among those its definition declares) and without |version; it names
// a StructureDefinition against which the extension is validated (value[x] type, sub-extensions,
// fixed values), which must allow it where it is (context, see extension_context.cpp) and whose
// modifier flag must match extension vs modifierExtension.
//
// An unknown url is an error, except in the domains the reference validator accepts unknown
// extensions from (example.org, acme.com, nema.org, its tools), and in the core extension
// domain (http://hl7.org/fhir/StructureDefinition/, and other FHIR versions' extensions under
// http://hl7.org/fhir/N.N/), which it knows through the extensions pack we may not have: there
// a warning. Extensions of implementation guides (http://hl7.org/fhir/uv/..., us/...) are errors
// when their guide is not loaded, as for the reference validator.
#include "fhir/validation/run.hpp"

#include <algorithm>
#include <cctype>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// scheme ":" as RFC 3986 (http:, urn:, ...).
bool is_absolute_url(const std::string& url) {
    const auto colon = url.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    if (!std::isalpha(static_cast<unsigned char>(url[0]))) return false;
    return std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
}

// The element holding the extension is itself an extension (the item is a sub-extension).
bool inside_extension(const std::string& path) {
    const auto last = path.rfind('.');
    if (last == std::string::npos) return false;
    const auto previous = path.rfind('.', last - 1);
    if (previous == std::string::npos) return false;
    const std::string segment = path.substr(previous + 1, last - previous - 1);
    return segment.rfind("extension[", 0) == 0 || segment.rfind("modifierExtension[", 0) == 0 ||
           segment == "extension" || segment == "modifierExtension";
}

// http://hl7.org/fhir/StructureDefinition/... and http://hl7.org/fhir/5.0/StructureDefinition/...
bool is_core_extension_domain(const std::string& url) {
    const std::string prefix = "http://hl7.org/fhir/";
    if (url.rfind(prefix, 0) != 0) return false;
    std::size_t at = prefix.size();
    if (at < url.size() && std::isdigit(static_cast<unsigned char>(url[at]))) {
        while (at < url.size() && (std::isdigit(static_cast<unsigned char>(url[at])) || url[at] == '.')) ++at;
        if (at >= url.size() || url[at] != '/') return false;
        ++at;
    }
    return url.compare(at, 20, "StructureDefinition/") == 0;
}

// Unknown extensions the reference validator lets pass (its allowUnknownExtension).
bool unknown_extension_allowed(const Run& run, const std::string& url) {
    if (run.allow_example_urls &&
        (url.find("example.org") != std::string::npos || url.find("acme.com") != std::string::npos))
        return true;
    return url.find("nema.org") != std::string::npos ||
           url.rfind("http://hl7.org/fhir/tools/StructureDefinition/", 0) == 0 || is_core_extension_domain(url) ||
           // Guides published under hl7.org/fhir (us/core...) are used by the R4 examples themselves.
           url.rfind("http://hl7.org/fhir/", 0) == 0;
}

// The relative urls the sub-extension slices of a complex extension's definition fix; nullopt
// when the definition does not slice Extension.extension (then cardinality rules alone apply).
std::optional<std::vector<std::string>> declared_sub_extensions(const CompiledProfile& definition) {
    std::string type;
    const int extension = definition.child_named(definition.root(), "extension", type);
    if (extension < 0) return std::nullopt;
    const ElementDef& sliced = definition.elements[static_cast<std::size_t>(extension)];
    if (sliced.slices.empty()) return std::nullopt;
    std::vector<std::string> urls;
    for (int slice : sliced.slices) {
        const ElementDef& entry = definition.elements[static_cast<std::size_t>(slice)];
        bool fixed = false;
        for (int child : entry.children) {
            const ElementDef& c = definition.elements[static_cast<std::size_t>(child)];
            if (c.name != "url") continue;
            const json* value = c.fixed ? c.fixed : c.pattern;
            if (value && value->is_string()) {
                urls.push_back(value->get<std::string>());
                fixed = true;
            }
        }
        if (!fixed) return std::nullopt; // a slice we cannot name: do not judge
    }
    return urls;
}

void check_sub_extensions(Run& run, const CompiledProfile& definition, const Item& item) {
    auto list = item.value->find("extension");
    if (list == item.value->end() || !list->is_array()) return;
    const auto declared = declared_sub_extensions(definition);
    if (!declared) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& sub = (*list)[i];
        if (!sub.is_object()) continue;
        auto url = sub.find("url");
        if (url == sub.end() || !url->is_string()) continue;
        const std::string& text = url->get_ref<const std::string&>();
        if (text.empty() || is_absolute_url(text)) continue; // absolute: an extension in its own right
        if (std::find(declared->begin(), declared->end(), text) == declared->end())
            // Core extensions are judged by the reference validator against the extensions pack's
            // (newer) definitions, not R4's: against R4's, only a warning.
            run.report(definition.url.rfind("http://hl7.org/fhir/StructureDefinition/", 0) == 0 ? Severity::warning
                                                                                                : Severity::error,
                       "fhir.extension.sub-extension-unknown",
                       "Sub-extension url '" + text + "' is not defined by the extension " + definition.url + ".",
                       child_path(item.path, "extension", true, i), &sub);
    }
}

} // namespace

void check_extension(Run& run, const Item& item, const ResourceFrame& frame, bool modifier) {
    if (!item.value || !item.value->is_object()) return;
    auto url_member = item.value->find("url");
    if (url_member == item.value->end() || !url_member->is_string() ||
        url_member->get_ref<const std::string&>().empty()) {
        run.report(Severity::error, "fhir.extension.url-required",
                   "Extension.url is required in order to identify, use and validate the extension.", item.path,
                   item.anchor);
        return;
    }
    const std::string& url = url_member->get_ref<const std::string&>();
    if (!run.allow_example_urls && is_example_url(url))
        run.report(Severity::error, "fhir.structure.example-url", "Example URLs are not allowed in this context.",
                   item.path + ".url", &*url_member);
    if (!is_absolute_url(url)) {
        // Sub-extensions of a complex extension carry relative urls; their parent's definition checks them.
        if (!inside_extension(item.path))
            run.report(Severity::error, "fhir.extension.url-not-absolute",
                       "Extension.url must be an absolute URL (found '" + url + "').", item.path, item.anchor);
        return;
    }
    std::string canonical = url;
    if (const auto bar = url.find('|'); bar != std::string::npos) {
        canonical = url.substr(0, bar);
        run.report(Severity::error, "fhir.extension.url-versioned",
                   "The extension URL must not contain a version: " + url + " was validated against " + canonical + ".",
                   item.path, item.anchor);
    }
    auto definition = run.profiles.get(canonical);
    if (!definition) {
        if (unknown_extension_allowed(run, canonical))
            run.report(Severity::warning, "fhir.extension.unknown",
                       "The extension " + url + " is not known, so it was not checked.", item.path, item.anchor);
        else
            run.report(Severity::error, "fhir.extension.unknown",
                       std::string(modifier ? "The modifier extension " : "The extension ") + url +
                           " could not be found, so it is not allowed here.",
                       item.path, item.anchor);
        return;
    }
    if (definition->type != "Extension") {
        run.report(Severity::error, "fhir.extension.not-extension",
                   "The url " + url + " names a definition that is not an extension.", item.path, item.anchor);
        return;
    }
    check_extension_context(run, *definition, item, frame);
    if (definition->root().is_modifier != modifier)
        run.report(Severity::error, "fhir.extension.modifier-misuse",
                   modifier ? "The extension " + definition->url +
                                  " must not be used as a modifierExtension (it is a regular extension)."
                            : "The extension " + definition->url +
                                  " must not be used as an extension (it is a modifier extension).",
                   item.path, item.anchor);
    validate_children(run, *definition, 0, *item.value, item.path, frame, false);
    check_sub_extensions(run, *definition, item);
    std::set<std::string> done;
    check_invariants(run, definition->root().constraints, item, "Extension", frame, done);
}

bool is_example_url(const std::string& url) {
    return url.find("example.org") != std::string::npos || url.find("acme.com") != std::string::npos ||
           url.find("nema.org") != std::string::npos ||
           url.rfind("http://hl7.org/fhir/tools/StructureDefinition/", 0) == 0;
}

} // namespace healthdoc::fhir::validation
