// dom-3 as the reference validator applies it: each contained resource must be referenced from
// elsewhere in its container ("#id" as a reference, canonical, uri or url), or refer to the
// container itself ("#"). Checked directly on the JSON in one pass over the resource.
#include "fhir/validation/run.hpp"

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// The "#id" targets of src and href attributes in a narrative: the reference validator counts
// an image of a contained Binary (<img src="#id">) as a reference to it.
void collect_narrative_links(const std::string& xhtml, std::unordered_set<std::string>& links) {
    for (const char* attribute : {"src=", "href="}) {
        const std::string_view name = attribute;
        for (auto at = xhtml.find(name); at != std::string::npos; at = xhtml.find(name, at + name.size())) {
            const auto quote_at = at + name.size();
            if (quote_at + 1 >= xhtml.size() || (xhtml[quote_at] != '"' && xhtml[quote_at] != '\'')) continue;
            if (xhtml[quote_at + 1] != '#') continue;
            const auto end = xhtml.find(xhtml[quote_at], quote_at + 1);
            if (end != std::string::npos) links.insert(xhtml.substr(quote_at + 1, end - quote_at - 1));
        }
    }
}

// Every string starting with '#' under `value` (bounded depth), and whether one is exactly "#".
void collect_local_links(const json& value, int depth, std::unordered_set<std::string>& links) {
    if (depth > 80) return;
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        if (!text.empty() && text[0] == '#') links.insert(text);
    } else if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
            if (it.key() != "div")
                collect_local_links(*it, depth + 1, links);
            else if (it->is_string())
                collect_narrative_links(it->get_ref<const std::string&>(), links);
    } else if (value.is_array()) {
        for (const auto& item : value) collect_local_links(item, depth + 1, links);
    }
}

} // namespace

void check_contained_referenced(Run& run, const json& resource, const ResourceFrame& frame) {
    auto contained = resource.find("contained");
    if (contained == resource.end() || !contained->is_array() || contained->empty()) return;
    std::unordered_set<std::string> links;
    collect_local_links(resource, 0, links);
    for (std::size_t i = 0; i < contained->size(); ++i) {
        const json& inner = (*contained)[i];
        if (!inner.is_object()) continue;
        auto id = inner.find("id");
        if (id == inner.end() || !id->is_string()) continue;
        const std::string& text = id->get_ref<const std::string&>();
        if (links.count("#" + text)) continue;
        std::unordered_set<std::string> own;
        collect_local_links(inner, 0, own);
        if (own.count("#")) continue;
        run.report(Severity::error, "fhir.reference.contained-unreferenced",
                   "The contained resource '" + text +
                       "' is not referenced from elsewhere in the containing resource, nor does it refer to the "
                       "containing resource (dom-3).",
                   frame.path + ".contained[" + std::to_string(i) + "]", &inner);
    }
}

} // namespace healthdoc::fhir::validation
