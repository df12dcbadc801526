// Extensions by their definitions: each extension's url names a StructureDefinition, against
// which the extension is validated (value[x] type, sub-extensions, fixed values). An unknown
// url is an error, except in the core domain (http://hl7.org/fhir/...: the extensions pack and
// other FHIR versions' extensions, which the reference validator loads) where it is a warning.
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

void check_extension(Run& run, const Item& item, const ResourceFrame& frame, bool modifier) {
    if (!item.value || !item.value->is_object()) return;
    auto url_member = item.value->find("url");
    if (url_member == item.value->end() || !url_member->is_string()) {
        run.report(Severity::error, "fhir.extension.no-url", "An extension must have a url.", item.path, item.anchor);
        return;
    }
    const std::string& url = url_member->get_ref<const std::string&>();
    if (!run.allow_example_urls && is_example_url(url))
        run.report(Severity::error, "fhir.structure.example-url", "Example URLs are not allowed in this context.",
                   item.path + ".url", &*url_member);
    // Sub-extensions of a complex extension carry relative urls; their parent's definition checks them.
    if (url.find(':') == std::string::npos) return;
    auto definition = run.profiles.get(url);
    if (!definition) {
        // As the reference validator: unknown extensions in example domains are allowed (when
        // examples are), and core-domain ones (the extensions pack, other FHIR versions) are known
        // to it through packages we may not have: a warning, not an error.
        const bool example = is_example_url(url);
        const bool core = url.rfind("http://hl7.org/fhir/", 0) == 0;
        if ((example && run.allow_example_urls) || core)
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
    validate_children(run, *definition, 0, *item.value, item.path, frame, false);
    std::set<std::string> done;
    check_invariants(run, definition->root().constraints, item, "Extension", frame, done);
}

bool is_example_url(const std::string& url) {
    return url.find("example.org") != std::string::npos || url.find("acme.com") != std::string::npos ||
           url.find("nema.org") != std::string::npos ||
           url.rfind("http://hl7.org/fhir/tools/StructureDefinition/", 0) == 0;
}

} // namespace healthdoc::fhir::validation
