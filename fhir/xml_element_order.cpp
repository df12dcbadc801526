#include "fhir/xml_element_order.hpp"

#include "fhir/package_cache.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <sstream>

namespace healthdoc::fhir {

namespace {

bool is_type_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
}

bool has_xml_attribute_representation(const nlohmann::json& element) {
    auto found = element.find("representation");
    if (found == element.end() || !found->is_array()) return false;
    for (const auto& representation : *found)
        if (representation == "xmlAttr") return true;
    return false;
}

std::mutex& source_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::optional<std::filesystem::path>& configured_source() {
    static std::optional<std::filesystem::path> source;
    return source;
}

} // namespace

XmlElementOrder::XmlElementOrder(std::filesystem::path package_folder) : m_folder(std::move(package_folder)) {}

std::shared_ptr<const XmlElementOrder> XmlElementOrder::shared(const std::filesystem::path& package_folder) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const XmlElementOrder>> indexes;
    std::lock_guard lock(mutex);
    auto& slot = indexes[package_folder.lexically_normal().string()];
    if (!slot) slot = std::make_shared<XmlElementOrder>(package_folder);
    return slot;
}

const XmlElementOrder::Children* XmlElementOrder::load(std::string_view type) const {
    std::lock_guard lock(m_mutex);
    if (auto found = m_types.find(type); found != m_types.end()) return found->second.get();
    auto& slot = m_types[std::string(type)];
    if (!is_type_name(type)) return nullptr;
    std::ifstream in(m_folder / ("StructureDefinition-" + std::string(type) + ".json"), std::ios::binary);
    if (!in) return nullptr;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const auto definition = nlohmann::json::parse(buffer.str(), nullptr, false);
    if (!definition.is_object() || definition.value("type", "") != type) return nullptr;
    auto snapshot = definition.find("snapshot");
    if (snapshot == definition.end() || !snapshot->is_object() || !snapshot->contains("element")) return nullptr;
    auto children = std::make_unique<Children>();
    std::unordered_map<std::string, std::size_t> counts; // children seen per parent path
    for (const auto& element : (*snapshot)["element"]) {
        if (!element.is_object() || element.contains("sliceName")) continue;
        std::string path = element.value("path", "");
        if (path.size() > 3 && path.compare(path.size() - 3, 3, "[x]") == 0) path.resize(path.size() - 3);
        const auto dot = path.rfind('.');
        if (dot == std::string::npos || children->count(path)) continue;
        const std::size_t rank = counts[path.substr(0, dot)]++;
        children->emplace(path, XmlChildOrder{rank, has_xml_attribute_representation(element)});
    }
    slot = std::move(children);
    return slot.get();
}

std::optional<XmlChildOrder> XmlElementOrder::child(std::string_view parent, std::string_view name) const {
    const Children* children = load(parent.substr(0, parent.find('.')));
    if (!children) return std::nullopt;
    std::string path;
    path.reserve(parent.size() + 1 + name.size());
    path.append(parent).append(".").append(name);
    auto found = children->find(path);
    return found == children->end() ? std::nullopt : std::optional<XmlChildOrder>(found->second);
}

void set_xml_element_order_source(const std::filesystem::path& package_folder) {
    std::lock_guard lock(source_mutex());
    configured_source() = package_folder;
}

std::shared_ptr<const XmlElementOrder> xml_element_order() {
    std::optional<std::filesystem::path> folder;
    {
        std::lock_guard lock(source_mutex());
        folder = configured_source();
    }
    if (folder) return XmlElementOrder::shared(*folder);
    // Looked up once: the default cache does not change during a run.
    static const std::shared_ptr<const XmlElementOrder> fallback = []() -> std::shared_ptr<const XmlElementOrder> {
        auto core = find_package("hl7.fhir.r4.core#4.0.1");
        if (!core) return nullptr;
        std::error_code error;
        auto package = core->path / "package";
        return XmlElementOrder::shared(std::filesystem::is_directory(package, error) ? package : core->path);
    }();
    return fallback;
}

} // namespace healthdoc::fhir
