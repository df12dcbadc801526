// The links of a document or message bundle as the reference validator's bundle rules resolve
// them: a relative reference resolves only against the base of the source's RESTful fullUrl
// (when that fullUrl ends with the source's own Type/id), an absolute one by fullUrl; the
// Composition's references must resolve, and every entry must be reachable from the first
// entry through references followed forwards or backwards.
#include "fhir/validation/run.hpp"

#include <deque>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

std::string text_member(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool is_resource_name(const Run& run, const std::string& name) {
    if (name.empty() || name[0] < 'A' || name[0] > 'Z') return false;
    const auto* info = run.definitions.types().find_type(name);
    return info && info->kind == fhirpath::TypeKind::resource && name != "Resource" && name != "DomainResource";
}

bool is_id_text(std::string_view text) {
    if (text.empty() || text.size() > 64) return false;
    for (char c : text)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return false;
    return true;
}

bool is_absolute(const std::string& url) { return url.rfind("urn:", 0) == 0 || url.find("://") != std::string::npos; }

enum class Strictness { error, silent };

struct LinkResolver {
    Run& run;
    BundleIndex& index;

    Strictness strictness = Strictness::error;

    // The links the bundle rules require (the Composition's) are errors; elsewhere a link the
    // fullUrl rules miss is a warning, as published R4 examples (Bundle-father) have them.
    void report_once(const json* source, const std::string& message, const std::string& path) {
        if (!index.reported_links.insert(source).second) return;
        run.report(strictness == Strictness::error ? Severity::error : Severity::warning, "fhir.bundle.reference",
                   message, path, source);
    }

    // The entry index a reference of entry `from` resolves to; -1 when none (reported once per
    // reference: ambiguous, or matching by Type/id only while the fullUrl rules miss).
    long resolve(const std::string& reference_text, const BundleIndex::Entry& from, const json* source,
                 const std::string& path, const std::string& context, Strictness how) {
        strictness = how;
        std::string reference = reference_text.substr(0, reference_text.find('#'));
        if (reference.empty()) return -1;
        if (is_absolute(reference)) {
            auto found = index.entries_by_url.find(reference);
            if (found == index.entries_by_url.end()) {
                const bool known = is_restful_url(run, reference) || run.definitions.find(reference);
                if (how == Strictness::error && !known)
                    report_once(source, "Can't find '" + reference + "' in the bundle (" + context + ").", path);
                return -1;
            }
            if (found->second.size() > 1) {
                report_once(source,
                            "Found " + std::to_string(found->second.size()) + " matches for '" + reference +
                                "' in the bundle (" + context + ").",
                            path);
                return -1;
            }
            return static_cast<long>(found->second.front());
        }
        std::string key;
        const std::string own = from.type + "/" + from.id;
        if (!from.id.empty() && is_restful_url(run, from.full_url) && from.full_url.size() >= own.size() &&
            from.full_url.compare(from.full_url.size() - own.size(), own.size(), own) == 0)
            key = from.full_url.substr(0, from.full_url.size() - own.size()) + reference;
        if (!key.empty())
            if (auto found = index.entries_by_url.find(key); found != index.entries_by_url.end()) {
                if (found->second.size() == 1) return static_cast<long>(found->second.front());
                report_once(source,
                            "Found " + std::to_string(found->second.size()) + " matches for '" + reference +
                                "' in the bundle (" + context + ").",
                            path);
                return -1;
            }
        auto slash = reference.find('/');
        if (slash == std::string::npos || !is_resource_name(run, reference.substr(0, slash))) return -1;
        auto next = reference.find('/', slash + 1);
        const std::string type_id = reference.substr(0, next);
        if (auto apparent = index.entries_by_type_id.find(type_id); apparent != index.entries_by_type_id.end()) {
            report_once(source,
                        "Can't find '" + reference + "' in the bundle (" + context +
                            "): an entry has the same type and id, but the fullUrl rules of relative references "
                            "(resolved against the source's fullUrl '" +
                            from.full_url + "') do not match it.",
                        path);
            return -1;
        }
        if (how == Strictness::error)
            report_once(source, "Can't find '" + reference + "' in the bundle (" + context + ").", path);
        return -1;
    }
};

// Reference objects under `value` (not inside a nested Bundle), with their paths.
void collect_references(const json& value, const std::string& path, int depth,
                        std::vector<std::pair<const json*, std::string>>& out) {
    if (depth > 60) return;
    if (value.is_object()) {
        if (auto ref = value.find("reference"); ref != value.end() && ref->is_string()) {
            const std::string& text = ref->get_ref<const std::string&>();
            if (!text.empty() && text[0] != '#') out.push_back({&value, path});
        }
        if (text_member(value, "resourceType") == "Bundle" && depth > 0) return;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (it.key().empty() || it.key()[0] == '_') continue;
            collect_references(*it, path + "." + it.key(), depth + 1, out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            collect_references(value[i], path + "[" + std::to_string(i) + "]", depth + 1, out);
    }
}

void composition_links(LinkResolver& resolver, const BundleIndex::Entry& composition, const std::string& path) {
    const json& resource = *composition.resource;
    auto check = [&](const json& holder, const char* name, const std::string& holder_path, const std::string& context) {
        auto member = holder.find(name);
        if (member == holder.end()) return;
        auto one = [&](const json& reference, const std::string& at) {
            if (!reference.is_object()) return;
            const std::string text = text_member(reference, "reference");
            if (text.empty() || text[0] == '#') return;
            resolver.resolve(text, composition, &reference, at, context, Strictness::error);
        };
        if (member->is_array()) {
            for (std::size_t i = 0; i < member->size(); ++i)
                one((*member)[i], holder_path + "." + name + "[" + std::to_string(i) + "]");
        } else {
            one(*member, holder_path + "." + name);
        }
    };
    for (const char* name : {"subject", "author", "encounter", "custodian"})
        check(resource, name, path, std::string("Composition.") + name);
    auto each = [&](const json& holder, const char* name, const std::string& holder_path, auto&& visit) {
        auto list = holder.find(name);
        if (list == holder.end() || !list->is_array()) return;
        for (std::size_t i = 0; i < list->size(); ++i)
            if ((*list)[i].is_object()) visit((*list)[i], holder_path + "." + name + "[" + std::to_string(i) + "]");
    };
    each(resource, "attester", path,
         [&](const json& a, const std::string& at) { check(a, "party", at, "Composition.attester.party"); });
    each(resource, "event", path,
         [&](const json& e, const std::string& at) { check(e, "detail", at, "Composition.event.detail"); });
    // Sections nest; an explicit stack bounds the walk without recursion.
    std::vector<std::pair<const json*, std::string>> sections;
    each(resource, "section", path, [&](const json& s, const std::string& at) { sections.push_back({&s, at}); });
    while (!sections.empty()) {
        auto [section, at] = sections.back();
        sections.pop_back();
        check(*section, "author", at, "Section.author");
        check(*section, "focus", at, "Section.focus");
        check(*section, "entry", at, "Section Entry");
        if (sections.size() < 10000)
            each(*section, "section", at, [&](const json& s, const std::string& inner) {
                sections.push_back({&s, inner});
            });
    }
}

} // namespace

bool is_restful_url(const Run& run, const std::string& url) {
    std::string_view rest = url;
    bool server = false;
    for (std::string_view scheme : {"http://", "https://"})
        if (rest.substr(0, scheme.size()) == scheme) {
            rest.remove_prefix(scheme.size());
            server = true;
        }
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        auto slash = rest.find('/', start);
        parts.push_back(rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    std::size_t tail = 2;
    if (parts.size() >= 4 && parts[parts.size() - 2] == "_history" && is_id_text(parts.back())) tail = 4;
    if (parts.size() < tail || (!server && parts.size() != tail)) return false;
    const std::size_t type_at = parts.size() - tail;
    if (!is_resource_name(run, std::string(parts[type_at])) || !is_id_text(parts[type_at + 1])) return false;
    for (std::size_t i = 0; i < type_at; ++i)
        for (char c : parts[i])
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\\' || c == '.' ||
                  c == ':' || c == '%' || c == '$'))
                return false;
    return true;
}

void check_document_links(Run& run, BundleIndex& index, const std::string& bundle_path) {
    if (index.entries.empty() || !index.entries.front().resource) return;
    const bool message = index.type == "message";
    LinkResolver resolver{run, index};
    if (!message && index.entries.front().type == "Composition")
        composition_links(resolver, index.entries.front(), bundle_path + ".entry[0].resource");

    // Links between entries, then everything connected to the first entry (forwards or
    // backwards, as the reference validator's repeated reverse passes end up with).
    const std::size_t n = index.entries.size();
    std::vector<std::vector<std::size_t>> neighbours(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& entry = index.entries[i];
        if (!entry.resource) continue;
        std::vector<std::pair<const json*, std::string>> references;
        const std::string path = bundle_path + ".entry[" + std::to_string(i) + "].resource";
        collect_references(*entry.resource, path, 0, references);
        for (const auto& [reference, at] : references) {
            long target =
                resolver.resolve(text_member(*reference, "reference"), entry, reference, at, at, Strictness::silent);
            if (target < 0 || static_cast<std::size_t>(target) == i) continue;
            neighbours[i].push_back(static_cast<std::size_t>(target));
            neighbours[static_cast<std::size_t>(target)].push_back(i);
        }
    }
    std::vector<bool> reached(n, false);
    std::deque<std::size_t> queue{0};
    reached[0] = true;
    if (auto links = index.bundle->find("link"); links != index.bundle->end() && links->is_array())
        for (const auto& link : *links)
            if (link.is_object() && text_member(link, "relation") == "stylesheet")
                if (auto hit = index.entries_by_type_id.find(text_member(link, "url"));
                    hit != index.entries_by_type_id.end())
                    for (std::size_t i : hit->second)
                        if (!reached[i]) {
                            reached[i] = true;
                            queue.push_back(i);
                        }
    while (!queue.empty()) {
        const std::size_t at = queue.front();
        queue.pop_front();
        for (std::size_t next : neighbours[at])
            if (!reached[next]) {
                reached[next] = true;
                queue.push_back(next);
            }
    }
    const std::string first = message ? "MessageHeader" : "Composition";
    for (std::size_t i = 1; i < n; ++i) {
        const auto& entry = index.entries[i];
        if (!entry.resource || reached[i]) continue;
        const std::string name =
            entry.full_url.empty() ? std::string("Entry ") + std::to_string(i) : "Entry '" + entry.full_url + "'";
        run.report(message ? Severity::warning : Severity::error, "fhir.bundle.unreachable-entry",
                   name + " isn't reachable by traversing links (forward or backward) from the " + first + ".",
                   bundle_path + ".entry[" + std::to_string(i) + "]", entry.entry);
    }
}

} // namespace healthdoc::fhir::validation
