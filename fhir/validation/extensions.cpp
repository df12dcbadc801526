// Extensions by their definitions: each extension's url names a StructureDefinition, against
// which the extension is validated (value[x] type, sub-extensions, fixed values). An unknown
// url is an error for core (http://hl7.org/fhir/StructureDefinition/) urls and for modifier
// extensions, a warning otherwise, as the reference validator reports them.
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
    // Sub-extensions of a complex extension carry relative urls; their parent's definition checks them.
    if (url.find(':') == std::string::npos) return;
    auto definition = run.profiles.get(url);
    if (!definition) {
        const bool core = url.rfind("http://hl7.org/fhir/StructureDefinition/", 0) == 0;
        if (core || modifier)
            run.report(Severity::error, "fhir.extension.unknown",
                       std::string(modifier ? "The modifier extension " : "The extension ") + url + " is not known.",
                       item.path, item.anchor);
        else
            run.report(Severity::warning, "fhir.extension.unknown",
                       "The extension " + url + " is not known, so it was not checked.", item.path, item.anchor);
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

} // namespace healthdoc::fhir::validation
