#include "fhir/fhirpath/package_type_provider.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <sstream>

namespace healthdoc::fhir::fhirpath {

namespace {

using nlohmann::json;

std::string last_segment(const std::string& url) {
    const auto slash = url.rfind('/');
    return slash == std::string::npos ? url : url.substr(slash + 1);
}

std::string string_or(const json& object, const char* key, std::string fallback = {}) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : fallback;
}

// The FHIR type code of one `type` entry: System.String-typed ids carry the FHIR type in an
// extension (structuredefinition-fhir-type).
std::string type_code(const json& type) {
    if (auto ext = type.find("extension"); ext != type.end() && ext->is_array()) {
        for (const auto& e : *ext) {
            if (string_or(e, "url") == "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type") {
                std::string value = string_or(e, "valueUrl", string_or(e, "valueUri"));
                if (!value.empty()) return value;
            }
        }
    }
    return string_or(type, "code");
}

} // namespace

PackageTypeProvider::PackageTypeProvider(std::filesystem::path package_dir) : m_dir(std::move(package_dir)) {}

std::shared_ptr<const PackageTypeProvider> PackageTypeProvider::shared(const std::filesystem::path& package_dir) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const PackageTypeProvider>> providers;
    std::lock_guard lock(mutex);
    auto& slot = providers[package_dir.lexically_normal().string()];
    if (!slot) slot = std::make_shared<PackageTypeProvider>(package_dir);
    return slot;
}

const PackageTypeProvider::Entry* PackageTypeProvider::load(std::string_view name) const {
    std::lock_guard lock(m_mutex);
    if (auto found = m_entries.find(name); found != m_entries.end()) return found->second.get();
    auto& slot = m_entries[std::string(name)];
    // Type names are identifiers; anything else never names a file.
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return nullptr;
    if (name.empty()) return nullptr;
    std::ifstream in(m_dir / ("StructureDefinition-" + std::string(name) + ".json"), std::ios::binary);
    if (!in) return nullptr;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    json sd = json::parse(buffer.str(), nullptr, false);
    if (sd.is_discarded() || !sd.is_object()) return nullptr;
    if (string_or(sd, "derivation") == "constraint" || string_or(sd, "type") != name) return nullptr;
    auto entry = std::make_unique<Entry>();
    entry->info.name = std::string(name);
    const std::string kind = string_or(sd, "kind");
    entry->info.kind = kind == "primitive-type" ? TypeKind::primitive
                       : kind == "resource"     ? TypeKind::resource
                       : kind == "logical"      ? TypeKind::logical
                                                : TypeKind::complex;
    entry->info.base = last_segment(string_or(sd, "baseDefinition"));
    entry->info.is_abstract = sd.value("abstract", false);
    if (auto snapshot = sd.find("snapshot"); snapshot != sd.end() && snapshot->contains("element")) {
        for (const auto& element : (*snapshot)["element"]) {
            ElementInfo info;
            info.path = string_or(element, "path");
            if (info.path.size() > 3 && info.path.compare(info.path.size() - 3, 3, "[x]") == 0) {
                info.path.resize(info.path.size() - 3);
                info.is_choice = true;
            }
            if (auto types = element.find("type"); types != element.end() && types->is_array()) {
                for (const auto& type : *types) {
                    info.types.push_back(type_code(type));
                    if (auto targets = type.find("targetProfile"); targets != type.end() && targets->is_array())
                        for (const auto& target : *targets)
                            if (target.is_string()) info.target_profiles.push_back(target.get<std::string>());
                }
            }
            std::string reference = string_or(element, "contentReference");
            if (!reference.empty() && reference[0] == '#') reference.erase(0, 1);
            info.content_reference = reference;
            info.min = element.value("min", 0);
            info.max = string_or(element, "max", "*");
            std::string base_max = info.max;
            if (auto base = element.find("base"); base != element.end()) base_max = string_or(*base, "max", base_max);
            info.is_array = base_max != "1" && base_max != "0";
            info.is_modifier = element.value("isModifier", false);
            info.is_summary = element.value("isSummary", false);
            // Slices repeat their element's path: the first (unsliced) definition wins.
            entry->elements.emplace(info.path, std::move(info));
        }
    }
    slot = std::move(entry);
    return slot.get();
}

const TypeInfo* PackageTypeProvider::find_type(std::string_view name) const {
    const Entry* entry = load(name);
    return entry ? &entry->info : nullptr;
}

const ElementInfo* PackageTypeProvider::find_element(std::string_view path) const {
    const auto dot = path.find('.');
    const Entry* entry = load(path.substr(0, dot));
    if (!entry) return nullptr;
    auto found = entry->elements.find(std::string(path));
    return found != entry->elements.end() ? &found->second : nullptr;
}

} // namespace healthdoc::fhir::fhirpath
