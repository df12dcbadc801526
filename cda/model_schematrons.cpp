#include "cda/model_schematrons.hpp"

#include "formats/xml_document.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <regex>

namespace healthdoc::cda {
namespace {

namespace fs = std::filesystem;

std::string_view local_name(const pugi::xml_node& node) { return formats::XmlDocument::local_name(node.name()); }

// Calls `visit` on every element below `top`, depth first, without recursion (documents can be deep).
template <typename Visit> void for_each_element(const pugi::xml_node& top, Visit visit) {
    pugi::xml_node node = top.first_child();
    while (node && node != top) {
        if (node.type() == pugi::node_element) visit(node);
        if (node.first_child()) {
            node = node.first_child();
            continue;
        }
        while (node != top && !node.next_sibling()) node = node.parent();
        if (node != top) node = node.next_sibling();
    }
}

// White space runs folded to one space, ends trimmed: XPath in the kit is laid out freely.
std::string folded(std::string_view text) {
    std::string out;
    for (char c : text) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (!space)
            out += c;
        else if (!out.empty() && out.back() != ' ')
            out += ' ';
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// The model without a trailing specification version: VSM_1.4 is a version of VSM.
std::string model_key(const std::string& model) {
    static const std::regex k_spec_version(R"(_\d+(\.\d+)*$)");
    return std::regex_replace(model, k_spec_version, "");
}

// The volet a model belongs to: CSE for CSE-MDE and CSE-CS24.
std::string volet_of(const std::string& model) {
    std::string key = model_key(model);
    return key.substr(0, key.find('-'));
}

// "2024.01" for an @extension "2024.01" or "202401"; nothing for other extensions.
std::optional<std::string> declared_version(const std::string& extension) {
    static const std::regex k_version(R"((\d{4})\.?(\d{2}))");
    std::smatch match;
    if (!std::regex_match(extension, match, k_version)) return std::nullopt;
    return match[1].str() + "." + match[2].str();
}

// What the rules of one schematron file say about the document as a whole.
struct Requirements {
    std::set<TemplateRequirement> template_ids;
    std::optional<std::set<std::string>> codes; // the codes every code assert allows
    std::set<std::string> sections;
};

// A rule about the whole document: `cda:ClinicalDocument`, or one keyed on the model's template
// id (`*[cda:templateId/@root="1.2.250.1.213.1.1.1.32"]`), whose id the document must declare.
const std::regex k_header_context(
    R"re(^/?(?:cda:ClinicalDocument|\*(?=\[))(?:\[\s*cda:templateId/@root\s*=\s*['"]([\d.]+)['"]\s*\])?$)re");
const std::regex k_body_context(R"(^/?cda:ClinicalDocument/cda:component/cda:structuredBody$)");
// cda:templateId[@root='X'], with an @extension, or count(...)=1.
const std::regex k_template_test(
    R"re(^(?:count\(\s*)?(?:\./)?cda:templateId\[\s*@root\s*=\s*['"]([\d.]+)['"](?:\s+and\s+@extension\s*=\s*['"]([^'"]+)['"])?\s*\](?:\s*\)\s*=\s*1)?$)re");
// cda:code[@code='X' and ...] or cda:code[(@code='X' or @code='Y') and ...].
const std::regex k_code_test(R"re(^(?:\./)?cda:code\[([^\]]*)\]$)re");
const std::regex k_code_value(R"re(@code\s*=\s*['"]([^'"]+)['"])re");
// A section (or any template) the body must hold: cda:component/cda:section[cda:templateId/@root='X'],
// .../cda:section/cda:templateId[@root='X'], .//cda:templateId[@root='X'], bare or with count() > 0,
// = 1 or >= 1 (not the optional "< 2" or ">= 0").
const std::regex k_section_test(
    R"re(^(?:count\(\s*)?(?:\.//cda:templateId|(?:cda:component/cda:structuredBody/)?cda:component/cda:section(?:/cda:templateId)?)\[\s*(?:cda:templateId/)?@root\s*=\s*['"]([\d.]+)['"]\s*\](?:\s*\)\s*(?:>\s*0|=\s*1|>=\s*1))?$)re");

void read_rules(const fs::path& file, Requirements& out) {
    pugi::xml_document doc;
    if (!doc.load_file(file.c_str())) return; // a header part the kit lacks (or an empty file)
    for_each_element(doc, [&](const pugi::xml_node& rule) {
        if (local_name(rule) != "rule") return;
        std::string context = folded(rule.attribute("context").value());
        std::smatch match;
        bool header = std::regex_match(context, match, k_header_context);
        if (header && match[1].matched) out.template_ids.insert({match[1].str(), ""});
        if (!header && !std::regex_match(context, k_body_context)) return;
        for (pugi::xml_node assertion : rule.children()) {
            if (local_name(assertion) != "assert") continue;
            std::string test = folded(assertion.attribute("test").value());
            if (header && std::regex_match(test, match, k_template_test)) {
                out.template_ids.insert({match[1].str(), match[2].str()});
            } else if (header && std::regex_match(test, match, k_code_test)) {
                std::string predicate = match[1].str();
                std::set<std::string> codes;
                for (std::sregex_iterator code(predicate.begin(), predicate.end(), k_code_value), end; code != end;
                     ++code)
                    codes.insert((*code)[1].str());
                if (codes.empty()) continue;
                if (!out.codes) {
                    out.codes = codes;
                } else {
                    std::set<std::string> both;
                    std::set_intersection(out.codes->begin(), out.codes->end(), codes.begin(), codes.end(),
                                          std::inserter(both, both.end()));
                    out.codes = both;
                }
            } else if (std::regex_match(test, match, k_section_test)) {
                out.sections.insert(match[1].str());
            }
        }
    });
}

// The header parts a model schematron includes.
std::vector<fs::path> header_parts(const fs::path& file) {
    static const std::regex k_header_part(R"(en-?tete)", std::regex::icase);
    std::vector<fs::path> parts;
    pugi::xml_document doc;
    if (!doc.load_file(file.c_str())) return parts;
    for_each_element(doc, [&](const pugi::xml_node& include) {
        if (local_name(include) != "include") return;
        std::string href = include.attribute("href").value();
        if (std::regex_search(href, k_header_part)) parts.push_back(file.parent_path() / href);
    });
    return parts;
}

template <typename T> std::vector<T> common(const std::vector<const std::vector<T>*>& lists) {
    if (lists.empty()) return {};
    std::vector<T> result = *lists.front();
    for (const auto* list : lists) {
        std::vector<T> both;
        std::set_intersection(result.begin(), result.end(), list->begin(), list->end(), std::back_inserter(both));
        result = std::move(both);
    }
    return result;
}

// A schematron whose header part asserts nothing takes what its other versions all require, or,
// with no other version, the template ids every other model of its volet requires.
void borrow_header_facts(std::vector<ModelSchematron>& models) {
    for (auto& model : models) {
        if (model.header_facts > 0) continue;
        std::vector<const ModelSchematron*> versions, volet;
        for (const auto& other : models) {
            if (&other == &model || other.header_facts == 0) continue;
            if (model_key(other.model) == model_key(model.model))
                versions.push_back(&other);
            else if (volet_of(other.model) == volet_of(model.model))
                volet.push_back(&other);
        }
        if (!versions.empty()) {
            std::vector<const std::vector<TemplateRequirement>*> ids;
            std::vector<const std::vector<std::string>*> codes;
            for (const auto* version : versions) {
                ids.push_back(&version->template_ids);
                codes.push_back(&version->codes);
            }
            model.template_ids = common(ids);
            model.codes = common(codes); // empty when one version fixes no code
        } else if (!volet.empty()) {
            std::vector<std::vector<TemplateRequirement>> roots;
            for (const auto* other : volet) {
                std::set<TemplateRequirement> any_extension;
                for (const auto& id : other->template_ids) any_extension.insert({id.root, ""});
                roots.emplace_back(any_extension.begin(), any_extension.end());
            }
            std::vector<const std::vector<TemplateRequirement>*> lists;
            for (const auto& list : roots) lists.push_back(&list);
            model.template_ids = common(lists);
        }
    }
}

bool header_applies(const ModelSchematron& model, const DocumentFacts& document) {
    if (model.template_ids.empty() && model.codes.empty()) return false;
    for (const auto& required : model.template_ids) {
        bool declared = std::any_of(document.template_ids.begin(), document.template_ids.end(), [&](const auto& id) {
            return id.first == required.root && (required.extension.empty() || id.second == required.extension);
        });
        if (!declared) return false;
    }
    return model.codes.empty() || std::find(model.codes.begin(), model.codes.end(), document.code) != model.codes.end();
}

bool holds_sections(const ModelSchematron& model, const DocumentFacts& document) {
    return std::all_of(model.section_template_ids.begin(), model.section_template_ids.end(),
                       [&](const std::string& id) { return document.body_template_ids.count(id) > 0; });
}

} // namespace

DocumentFacts document_facts(const pugi::xml_node& clinical_document) {
    DocumentFacts facts;
    for (pugi::xml_node child : clinical_document.children()) {
        std::string_view name = local_name(child);
        if (name == "templateId")
            facts.template_ids.emplace_back(child.attribute("root").value(), child.attribute("extension").value());
        else if (name == "code" && facts.code.empty())
            facts.code = child.attribute("code").value();
        else if (name == "component")
            for_each_element(child, [&](const pugi::xml_node& element) {
                if (local_name(element) == "templateId")
                    facts.body_template_ids.insert(element.attribute("root").value());
            });
    }
    return facts;
}

std::vector<ModelSchematron> model_schematrons(const fs::path& schematrons) {
    static const std::regex k_name(R"(CI-SIS_(.+)_(\d{4}\.\d{2})\.sch)");
    std::vector<ModelSchematron> models;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(schematrons, ec)) {
        std::string name = entry.path().filename().string();
        std::smatch match;
        if (!entry.is_regular_file(ec) || !std::regex_match(name, match, k_name)) continue;
        Requirements requirements;
        read_rules(entry.path(), requirements);
        for (const auto& part : header_parts(entry.path())) read_rules(part, requirements);
        ModelSchematron model{entry.path(), match[1], match[2], {}, {}, {}, 0};
        model.template_ids.assign(requirements.template_ids.begin(), requirements.template_ids.end());
        if (requirements.codes) model.codes.assign(requirements.codes->begin(), requirements.codes->end());
        model.section_template_ids.assign(requirements.sections.begin(), requirements.sections.end());
        model.header_facts = static_cast<int>(model.template_ids.size()) + (model.codes.empty() ? 0 : 1);
        models.push_back(std::move(model));
    }
    std::sort(models.begin(), models.end(),
              [](const ModelSchematron& a, const ModelSchematron& b) { return a.file < b.file; });
    borrow_header_facts(models);
    return models;
}

const ModelSchematron* choose_model(const std::vector<ModelSchematron>& models, const DocumentFacts& document) {
    // 1-2. The models that apply; the most specific (the first by file name among equals).
    std::vector<const ModelSchematron*> applicable;
    const ModelSchematron* best = nullptr;
    for (const auto& model : models) {
        if (!header_applies(model, document)) continue;
        applicable.push_back(&model);
        if (!best || model.header_facts > best->header_facts) best = &model;
    }
    if (!best) return nullptr;
    // 3. Its versions.
    std::vector<const ModelSchematron*> versions;
    for (const auto* model : applicable)
        if (model_key(model->model) == model_key(best->model)) versions.push_back(model);
    std::sort(versions.begin(), versions.end(),
              [](const ModelSchematron* a, const ModelSchematron* b) { return a->version < b->version; });
    std::set<std::string> declared;
    for (const auto& id : document.template_ids)
        if (auto version = declared_version(id.second)) declared.insert(*version);
    if (!declared.empty()) {
        const ModelSchematron* chosen = nullptr;
        for (const auto* model : versions)
            if (declared.count(model->version)) chosen = model;
        if (chosen) return chosen;
        for (const auto* model : versions)
            if (model->version <= *declared.rbegin()) chosen = model;
        return chosen ? chosen : versions.front();
    }
    const ModelSchematron* chosen = nullptr;
    for (const auto* model : versions) {
        if (!holds_sections(*model, document)) continue;
        auto checks = [](const ModelSchematron* m) {
            return static_cast<std::size_t>(m->header_facts) + m->section_template_ids.size();
        };
        if (!chosen || checks(model) >= checks(chosen)) chosen = model;
    }
    return chosen ? chosen : versions.back();
}

} // namespace healthdoc::cda
