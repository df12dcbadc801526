// Bundles and references: a fullUrl -> resource index built once per Bundle (no quadratic
// look-ups), the first-entry rules of documents and messages, and each Reference resolved in
// the bundle or among the contained resources, its target checked against the element's
// target profiles.
#include "fhir/validation/json_members.hpp"
#include "fhir/validation/run.hpp"

#include <algorithm>

namespace healthdoc::fhir::validation {

using formats::Severity;
using nlohmann::json;

namespace {

// "http://x/fhir/Patient/1" -> "http://x/fhir/" (the base a relative reference resolves against).
std::string base_of(const std::string& full_url) {
    auto last = full_url.rfind('/');
    if (last == std::string::npos || last == 0) return {};
    auto previous = full_url.rfind('/', last - 1);
    if (previous == std::string::npos) return {};
    return full_url.substr(0, previous + 1);
}

bool looks_like_type_id(const std::string& reference) {
    auto slash = reference.find('/');
    return slash != std::string::npos && slash > 0 && reference.find("://") == std::string::npos &&
           reference.rfind("urn:", 0) != 0 && reference[0] >= 'A' && reference[0] <= 'Z';
}

// The resource type a target profile requires.
std::string type_of_profile(const Run& run, const std::string& url) {
    const std::string core = "http://hl7.org/fhir/StructureDefinition/";
    if (url.rfind(core, 0) == 0 && url.find('/', core.size()) == std::string::npos) {
        std::string type = url.substr(core.size());
        if (run.definitions.types().find_type(type)) return type;
    }
    auto profile = run.profiles.get(url);
    return profile ? profile->type : std::string();
}

} // namespace

const json* resolve_in_bundle(const BundleIndex& index, const std::string& reference,
                              const std::string& from_full_url) {
    std::string ref = reference;
    if (auto history = ref.find("/_history/"); history != std::string::npos) ref.resize(history);
    if (auto found = index.by_full_url.find(ref); found != index.by_full_url.end()) return found->second;
    if (!looks_like_type_id(ref)) return nullptr;
    if (!from_full_url.empty() && from_full_url.rfind("urn:", 0) != 0) {
        if (auto found = index.by_full_url.find(base_of(from_full_url) + ref); found != index.by_full_url.end())
            return found->second;
    }
    auto candidates = index.by_type_id.find(ref);
    if (candidates == index.by_type_id.end() || candidates->second.empty()) return nullptr;
    return candidates->second.front().second;
}

void check_bundle(Run& run, const json& bundle, ResourceFrame& frame) {
    auto index = std::make_unique<BundleIndex>();
    index->bundle = &bundle;
    index->type = text_of(bundle, "type");
    auto entries = bundle.find("entry");
    if (entries != bundle.end() && entries->is_array()) {
        for (std::size_t i = 0; i < entries->size(); ++i) {
            const json& entry = (*entries)[i];
            BundleIndex::Entry indexed;
            indexed.entry = &entry;
            if (entry.is_object()) {
                indexed.full_url = text_of(entry, "fullUrl");
                if (auto resource = entry.find("resource"); resource != entry.end() && resource->is_object()) {
                    indexed.resource = &*resource;
                    indexed.type = text_of(*resource, "resourceType");
                    indexed.id = text_of(*resource, "id");
                }
            }
            index->entries.push_back(indexed);
            if (!indexed.resource) continue;
            const json& resource = *indexed.resource;
            const std::string& full_url = indexed.full_url;
            const std::string where = frame.path + ".entry[" + std::to_string(i) + "]";
            if (!full_url.empty() && full_url.find(':') == std::string::npos)
                run.report(Severity::error, "fhir.bundle.full-url", "The fullUrl must be an absolute URL.", where,
                           &entry);
            else if (!full_url.empty() && !indexed.type.empty() && is_restful_url(run, full_url)) {
                if (indexed.id.empty())
                    run.report(Severity::error, "fhir.bundle.full-url-id",
                               "The fullUrl '" + full_url +
                                   "' looks like a RESTful server URL, but the resource has no id.",
                               where, &entry);
                else if (const std::string tail = "/" + indexed.type + "/" + indexed.id;
                         full_url.size() < tail.size() ||
                         full_url.compare(full_url.size() - tail.size(), tail.size(), tail) != 0)
                    // A fullUrl naming another type is an error; another id of the same type only a
                    // warning, as published R4 examples (Bundle-lri-example) carry such ids.
                    run.report(
                        full_url.find("/" + indexed.type + "/") == std::string::npos ? Severity::error
                                                                                     : Severity::warning,
                        "fhir.bundle.full-url-id",
                        "The fullUrl '" + full_url +
                            "' looks like a RESTful server URL, so it must end with the resource's type and id (" +
                            tail + ").",
                        where, &entry);
            }
            std::string version;
            if (auto meta = resource.find("meta"); meta != resource.end() && meta->is_object())
                version = text_of(*meta, "versionId");
            if (!full_url.empty()) {
                index->by_full_url.emplace(full_url, &resource);
                index->full_url_of.emplace(&resource, full_url);
            }
            index->entries_by_url[full_url].push_back(i);
            if (!version.empty()) index->entries_by_url[full_url + "/_history/" + version].push_back(i);
            index->entry_of.emplace(&resource, i);
            if (!indexed.type.empty() && !indexed.id.empty()) {
                const std::string type_id = indexed.type + "/" + indexed.id;
                index->by_type_id[type_id].push_back({full_url, &resource});
                index->entries_by_type_id[type_id].push_back(i);
                if (!version.empty()) index->entries_by_type_id[type_id + "/_history/" + version].push_back(i);
            }
        }
        index->entries_by_url.erase(std::string());
        auto first_type = [&]() -> std::string {
            if (entries->empty() || !(*entries)[0].is_object()) return {};
            auto r = (*entries)[0].find("resource");
            return r != (*entries)[0].end() && r->is_object() ? text_of(*r, "resourceType") : std::string();
        };
        if (index->type == "document" && first_type() != "Composition")
            run.report(Severity::error, "fhir.bundle.document-composition",
                       "The first entry of a document bundle must be a Composition.", frame.path + ".entry[0]",
                       &*entries);
        if (index->type == "message" && first_type() != "MessageHeader")
            run.report(Severity::error, "fhir.bundle.message-header",
                       "The first entry of a message bundle must be a MessageHeader.", frame.path + ".entry[0]",
                       &*entries);
        if ((index->type == "document" && first_type() == "Composition") ||
            (index->type == "message" && first_type() == "MessageHeader"))
            check_document_links(run, *index, frame.path);
    } else if (index->type == "document") {
        run.report(Severity::error, "fhir.bundle.document-composition",
                   "A document bundle must start with a Composition entry.", frame.path, &bundle);
    }
    frame.bundle = &bundle;
    frame.bundle_index = index.get();
    run.bundles.push_back(std::move(index));
}

// A reference resolved in the bundle as the reference validator's instance walk does: an
// absolute one by fullUrl, a relative one against the base of the source's fullUrl (for a
// urn: base, by the id alone); a version must match meta.versionId. Several matches and a
// match of another type than the reference names are errors.
const json* resolve_like_instance(Run& run, const BundleIndex& index, const std::string& reference,
                                  const std::string& from_full_url, const Item& item) {
    std::string target;
    std::string version;
    std::string named_type;
    const auto history = reference.find("/_history/");
    if (reference.rfind("urn:", 0) == 0 || reference.find("://") != std::string::npos) {
        target = reference.substr(0, history);
        if (history != std::string::npos) version = reference.substr(history + 10);
    } else {
        const auto slashes = std::count(reference.begin(), reference.end(), '/');
        if (from_full_url.empty() || (slashes != 1 && slashes != 3)) return nullptr;
        std::string base;
        if (from_full_url.rfind("urn", 0) == 0)
            base = from_full_url.substr(0, from_full_url.rfind(':') + 1);
        else
            base = base_of(from_full_url);
        const std::string type_id = reference.substr(0, history);
        const auto slash = type_id.find('/');
        if (slash == std::string::npos) return nullptr;
        if (history != std::string::npos) {
            version = reference.substr(history + 10);
            named_type = type_id.substr(0, slash);
            target = base + type_id;
        } else if (base.rfind("urn", 0) == 0) {
            named_type = type_id.substr(0, slash);
            target = base + type_id.substr(slash + 1);
        } else {
            target = base + reference;
        }
    }
    auto found = index.entries_by_url.find(version.empty() ? target : target + "/_history/" + version);
    if (found == index.entries_by_url.end() || found->second.empty()) {
        if (reference.rfind("urn:", 0) == 0)
            run.report(Severity::warning, "fhir.reference.not-resolved",
                       "The URN reference '" + reference + "' is not found in the bundle.", item.path, item.anchor);
        return nullptr;
    }
    if (found->second.size() > 1)
        run.report(Severity::error, "fhir.reference.multiple-matches",
                   "Multiple matches in bundle for reference " + reference + ".", item.path, item.anchor);
    const json* match = index.entries[found->second.back()].resource;
    const std::string actual = text_of(*match, "resourceType");
    if (!named_type.empty() && actual != named_type)
        run.report(Severity::error, "fhir.reference.wrong-resource-type",
                   "Matching reference for reference " + reference + " has resourceType " + actual + ", not " +
                       named_type + ".",
                   item.path, item.anchor);
    return match;
}

namespace {

// A relative reference resolves against the fullUrl of the entry it is in: without one, it has
// no base (reported at the entry once, and at each such reference).
void check_entry_base(Run& run, const BundleIndex& index, const std::string& reference, const Item& item,
                      const ResourceFrame& frame) {
    if (reference.find(':') != std::string::npos || reference.find('/') == std::string::npos) return;
    // Responses carry what a server returned; their entries need no base.
    if (index.type == "batch-response" || index.type == "transaction-response") return;
    auto entry = index.entry_of.find(frame.root);
    if (entry == index.entry_of.end() || !index.entries[entry->second].full_url.empty()) return;
    const BundleIndex::Entry& indexed = index.entries[entry->second];
    std::string entry_path = frame.path;
    if (const auto resource = entry_path.rfind(".resource"); resource != std::string::npos) entry_path.resize(resource);
    run.report(Severity::error, "fhir.bundle.entry-full-url", "Bundle entry missing fullUrl.", entry_path,
               indexed.entry);
    run.report(Severity::error, "fhir.reference.no-base",
               "Relative reference appears inside a Bundle whose entry is missing a fullUrl.", item.path, item.anchor);
}

// In a Bundle, a reference that is neither absolute, nor a fragment (#id), nor a search
// (Type?params) is [Type]/[id] (the RESTful relative form it is resolved by).
void check_relative_format(Run& run, const std::string& reference, const Item& item) {
    if (reference[0] == '#' || reference.find(':') != std::string::npos || reference.find('?') != std::string::npos)
        return;
    if (reference.find('/') != std::string::npos) return;
    run.report(Severity::error, "fhir.reference.format",
               "Relative URLs must be of the format [ResourceName]/[id]; '" + reference + "' is not.", item.path,
               item.anchor);
}

} // namespace

void check_reference(Run& run, const ElementDef& element, const Item& item, const ResourceFrame& frame) {
    if (!item.value || !item.value->is_object()) return;
    const std::string reference = text_of(*item.value, "reference");
    if (reference.empty()) return;
    const json* target = nullptr;
    bool searched = false;
    if (reference[0] == '#') {
        searched = true;
        const json* container = frame.root;
        if (reference == "#") {
            target = container;
        } else if (container) {
            if (auto contained = container->find("contained"); contained != container->end() && contained->is_array())
                for (const auto& r : *contained)
                    if (r.is_object() && text_of(r, "id") == reference.substr(1)) target = &r;
        }
        if (!target) {
            run.report(Severity::error, "fhir.reference.contained-not-found",
                       "The reference '" + reference + "' names no contained resource.", item.path, item.anchor);
            return;
        }
    } else if (frame.bundle_index) {
        const BundleIndex& index = *frame.bundle_index;
        std::string from;
        if (auto f = index.full_url_of.find(frame.root); f != index.full_url_of.end()) from = f->second;
        target = resolve_like_instance(run, index, reference, from, item);
        searched = true;
        if (!target) check_entry_base(run, index, reference, item, frame);
        check_relative_format(run, reference, item);
    }
    (void)searched;
    if (!target && reference[0] != '#') target = resolve_in_parameters(frame, reference);
    check_reference_policy(run, element, item, reference, target);
    std::vector<std::string> allowed;
    for (const auto& t : element.types)
        if (t.code == "Reference")
            for (const auto& p : t.target_profiles) allowed.push_back(p);
    if (allowed.empty()) return;
    // Only resolved targets are checked: a literal "Type/id" outside the bundle may name a
    // resource the published examples reference loosely, and the reference validator leaves
    // unresolved targets alone unless asked to fetch them.
    std::string actual;
    if (target) actual = text_of(*target, "resourceType");
    if (actual.empty()) return;
    check_target_profiles(run, allowed, *target, item, frame);
    for (const auto& url : allowed) {
        const std::string type = type_of_profile(run, url);
        if (type.empty() || type == actual || type == "Resource") return;
    }
    run.report(Severity::error, "fhir.reference.wrong-target",
               "The reference points to a " + actual + ", which " + element.path + " does not allow.", item.path,
               item.anchor);
}

} // namespace healthdoc::fhir::validation
