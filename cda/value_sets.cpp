#include "cda/value_sets.hpp"

#include "cda/builtin_value_sets_data.hpp"
#include "cda/rules_pack.hpp"
#include "formats/errors.hpp"
#include "formats/source_text.hpp"
#include "formats/xml_document.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace healthdoc::cda {
namespace {

using formats::XmlDocument;

bool named(const pugi::xml_node& node, std::string_view local) {
    return node.type() == pugi::node_element && XmlDocument::local_name(node.name()) == local;
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view local) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (named(c, local)) return c;
    return {};
}

// The value-set element of an SVS response (ValueSet) or of an ART-DECOR export (valueSet),
// wherever it sits under the root.
pugi::xml_node find_value_set(const pugi::xml_node& root) {
    if (named(root, "ValueSet") || named(root, "valueSet")) return root;
    for (auto c = root.first_child(); c; c = c.next_sibling())
        if (named(c, "ValueSet") || named(c, "valueSet")) return c;
    return {};
}

std::string read_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError("cannot read " + file.string());
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

} // namespace

ValueSet::ValueSet(std::string oid, std::string name, std::string source)
    : m_oid(std::move(oid)), m_name(std::move(name)), m_source(std::move(source)) {}

void ValueSet::add(ValueSetConcept concept_) {
    auto key = std::make_pair(concept_.code, concept_.code_system);
    if (m_index.count(key)) return;
    m_index.emplace(std::move(key), m_concepts.size());
    m_concepts.push_back(std::move(concept_));
}

const ValueSetConcept* ValueSet::find(std::string_view code, std::string_view code_system) const {
    auto it = m_index.find(std::make_pair(std::string(code), std::string(code_system)));
    return it == m_index.end() ? nullptr : &m_concepts[it->second];
}

const ValueSetConcept* ValueSet::find_code(std::string_view code) const {
    auto it = std::find_if(m_concepts.begin(), m_concepts.end(), [&](const auto& c) { return c.code == code; });
    return it == m_concepts.end() ? nullptr : &*it;
}

ValueSets ValueSets::builtin() {
    ValueSets sets;
    for (const auto& data : builtin::value_sets()) {
        ValueSet set(data.oid, data.name, "built-in");
        for (std::size_t i = 0; i < data.size; ++i)
            set.add({data.concepts[i].code, data.concepts[i].code_system, data.concepts[i].display_name});
        sets.m_sets.insert_or_assign(set.oid(), std::move(set));
    }
    return sets;
}

bool ValueSets::load_file(const std::filesystem::path& file, formats::Diagnostics& out) {
    std::string bytes;
    try {
        bytes = read_bytes(file);
    } catch (const InputError& error) {
        out.report(formats::Severity::warning, "cda.value-sets.unreadable", error.what(),
                   formats::Location{file.string(), 0, 0, {}});
        return false;
    }
    if (bytes.find_first_not_of(" \t\r\n") == std::string::npos) return false; // the kit ships a few empty files
    formats::Diagnostics parse;
    auto document = formats::parse_xml(formats::SourceText(file.string(), std::move(bytes)), parse);
    if (!document) {
        out.report(formats::Severity::warning, "cda.value-sets.unreadable",
                   "value-set file is not well-formed XML; skipped", formats::Location{file.string(), 0, 0, {}});
        return false;
    }
    auto node = find_value_set(document->root());
    std::string oid = node.attribute("id").value();
    if (!node || oid.empty()) return false;
    std::string name = node.attribute("displayName").value();
    if (name.empty()) name = node.attribute("name").value();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".tabs") == 0)
        name.resize(name.size() - 5); // the ANS export's suffix
    ValueSet set(oid, name, file.string());
    auto list = child_named(node, "ConceptList");
    if (!list) list = child_named(node, "conceptList");
    for (auto c = list.first_child(); c; c = c.next_sibling())
        if (named(c, "Concept") || named(c, "concept"))
            set.add(
                {c.attribute("code").value(), c.attribute("codeSystem").value(), c.attribute("displayName").value()});
    m_sets.insert_or_assign(oid, std::move(set));
    return true;
}

std::size_t ValueSets::load_folder(const std::filesystem::path& folder, formats::Diagnostics& out) {
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
        if (entry.is_regular_file(ec) && entry.path().extension() == ".xml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::size_t loaded = 0;
    for (const auto& file : files)
        if (load_file(file, out)) ++loaded;
    return loaded;
}

const ValueSet* ValueSets::find(std::string_view oid) const {
    auto it = m_sets.find(oid);
    return it == m_sets.end() ? nullptr : &it->second;
}

std::vector<const ValueSet*> ValueSets::all() const {
    std::vector<const ValueSet*> sets;
    for (const auto& [oid, set] : m_sets) sets.push_back(&set);
    return sets;
}

ValueSets load_value_sets(const std::optional<std::string>& folder, const std::optional<std::string>& rules_dir,
                          formats::Diagnostics& setup) {
    auto sets = ValueSets::builtin();
    if (auto pack = find_ans_pack(rules_dir)) {
        auto jdv = pack->path / "jeuxDeValeurs";
        std::error_code ec;
        if (std::filesystem::is_directory(jdv, ec)) sets.load_folder(jdv, setup);
    }
    if (folder) {
        std::error_code ec;
        if (!std::filesystem::is_directory(*folder, ec)) throw UsageError("--value-sets " + *folder + ": not a folder");
        if (sets.load_folder(*folder, setup) == 0)
            setup.report(formats::Severity::warning, "cda.value-sets.empty",
                         "no value-set file (IHE SVS XML) found in " + *folder + "; the built-in sets are used",
                         formats::Location{*folder, 0, 0, {}});
    }
    return sets;
}

} // namespace healthdoc::cda
