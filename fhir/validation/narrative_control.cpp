// The narrative-language-control extension on a profile's Narrative element: whether the div
// holds language sections (child divs of the root div with a lang or xml:lang attribute), and
// which ones. Values: _no (no sections), _yes (some sections), _resource (a section in the
// resource's language), or a language code (a section in that language).
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

#include <pugixml.hpp>

#include <algorithm>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

constexpr std::string_view k_language_control = "http://hl7.org/fhir/StructureDefinition/narrative-language-control";

std::string_view local_name(std::string_view qualified) {
    auto colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

// The languages of the div's sections, sorted and unique; nullopt when the div does not parse
// (the narrative checks report that).
std::optional<std::vector<std::string>> language_sections(const std::string& xhtml) {
    pugi::xml_document document;
    auto parsed = document.load_buffer(xhtml.data(), xhtml.size(), pugi::parse_default | pugi::parse_fragment,
                                       pugi::encoding_utf8);
    if (!parsed) return std::nullopt;
    pugi::xml_node root;
    for (auto child : document.children())
        if (child.type() == pugi::node_element) {
            root = child;
            break;
        }
    if (!root) return std::nullopt;
    std::vector<std::string> languages;
    for (auto child : root.children()) {
        if (child.type() != pugi::node_element || local_name(child.name()) != "div") continue;
        std::string language = child.attribute("xml:lang").value();
        if (language.empty()) language = child.attribute("lang").value();
        if (!language.empty()) languages.push_back(language);
    }
    std::sort(languages.begin(), languages.end());
    languages.erase(std::unique(languages.begin(), languages.end()), languages.end());
    return languages;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

} // namespace

void check_narrative_language_control(Run& run, const CompiledProfile& profile, const json& extensions,
                                      const Item& item, const ResourceFrame& frame) {
    std::vector<std::string> controls;
    for (const auto& extension : extensions)
        if (text_of(extension, "url") == k_language_control)
            if (auto code = extension.find("valueCode"); code != extension.end() && code->is_string())
                controls.push_back(code->get<std::string>());
    if (controls.empty() || !item.value || !item.value->is_object()) return;
    auto div = item.value->find("div");
    if (div == item.value->end() || !div->is_string()) return;
    const auto sections = language_sections(div->get<std::string>());
    if (!sections) return;
    const std::string found = sections->empty() ? "none" : joined(*sections);
    auto has_section = [&](const std::string& language) {
        return std::find(sections->begin(), sections->end(), language) != sections->end();
    };
    for (const auto& control : controls) {
        if (control == "_no") {
            if (!sections->empty())
                run.report(Severity::error, "fhir.narrative.language-sections-prohibited",
                           "The xhtml has some language sections (" + found +
                               "), but language sections are prohibited in this context by the profile " + profile.url +
                               ".",
                           item.path, item.anchor);
        } else if (control == "_yes") {
            if (sections->empty())
                run.report(Severity::error, "fhir.narrative.language-sections-required",
                           "The profile " + profile.url +
                               " requires language sections in the narrative, but there are none.",
                           item.path, item.anchor);
        } else if (control == "_resource") {
            const std::string language = frame.resource ? text_of(*frame.resource, "language") : std::string();
            if (!language.empty() && !has_section(language))
                run.report(Severity::error, "fhir.narrative.language-section-missing",
                           "The profile " + profile.url + " requires a section in the narrative for the resource " +
                               "language (" + language + "), but it was not found (found " + found + ").",
                           item.path, item.anchor);
        } else if (!has_section(control)) {
            run.report(Severity::error, "fhir.narrative.language-section-missing",
                       "The profile " + profile.url + " requires a section in the narrative for the language " +
                           control + ", but it was not found (found " + found + ").",
                       item.path, item.anchor);
        }
    }
}

} // namespace healthdoc::fhir::validation
