#include "cda/schematron/engine_data.hpp"
#include "formats/text_utils.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

namespace healthdoc::cda::schematron {
namespace {

using formats::Severity;

// The elements of a document in document order with their expanded names, walked once per run
// and shared by every pattern.
struct DocumentElements {
    std::vector<pugi::xml_node> nodes;
    std::vector<xpath::Pattern::Name> names;
    std::vector<std::vector<std::string_view>> template_roots; // roots of HL7 v3 templateId children
    std::vector<std::size_t> parents;                          // index of each element's parent element, or npos

    explicit DocumentElements(const formats::XmlDocument& document) {
        std::unordered_map<const void*, std::size_t> index_of;
        pugi::xml_node node = document.dom().first_child();
        while (node) {
            if (node.type() == pugi::node_element) {
                nodes.push_back(node);
                names.push_back({formats::XmlDocument::namespace_uri(node),
                                 std::string(formats::XmlDocument::local_name(node.name()))});
                std::vector<std::string_view> roots;
                for (auto child : node.children())
                    if (child.type() == pugi::node_element &&
                        formats::XmlDocument::local_name(child.name()) == "templateId" &&
                        formats::XmlDocument::namespace_uri(child) == "urn:hl7-org:v3")
                        if (auto root = child.attribute("root")) roots.emplace_back(root.value());
                template_roots.push_back(std::move(roots));
                parents.push_back(std::string::npos);
                if (auto parent = node.parent(); parent.type() == pugi::node_element)
                    if (auto at = index_of.find(parent.internal_object()); at != index_of.end())
                        parents.back() = at->second;
                index_of.emplace(node.internal_object(), nodes.size() - 1);
            }
            if (node.first_child() && node.type() == pugi::node_element) {
                node = node.first_child();
                continue;
            }
            while (node && !node.next_sibling()) node = node.parent();
            if (node) node = node.next_sibling();
        }
    }
};

class Run {
public:
    Run(const CompiledSchemaData& data, const formats::XmlDocument& document, xpath::DocumentProvider* documents,
        RunResult& result)
        : m_data(data), m_document(document), m_result(result), m_global_state(data.globals.size(), State::unknown) {
        m_context.documents = documents;
        m_context.variables = &m_variables;
    }

    void run() {
        DocumentElements elements(m_document);
        pugi::xpath_node root(m_document.dom());
        for (const auto& pattern : m_data.patterns) {
            m_pattern = &pattern;
            visit(pattern, root, nullptr, nullptr, nullptr);
            for (std::size_t i = 0; i < elements.nodes.size(); ++i) {
                std::size_t parent = elements.parents[i];
                visit(pattern, pugi::xpath_node(elements.nodes[i]), &elements.names[i], &elements.template_roots[i],
                      parent == std::string::npos ? nullptr : &elements.names[parent]);
            }
        }
    }

private:
    enum class State { unknown, evaluating, ready, failed };

    // The first rule of `pattern` whose context matches `node`, fired. Only the rules that can
    // match it are tried, in schema order: those for its name, those for the templates it
    // declares, and those that may match anything.
    void visit(const CompiledPattern& pattern, const pugi::xpath_node& node, const xpath::Pattern::Name* name,
               const std::vector<std::string_view>* template_roots, const xpath::Pattern::Name* parent) {
        m_candidates.assign(pattern.any_node.begin(), pattern.any_node.end());
        if (name)
            if (auto found = pattern.by_name.find(*name); found != pattern.by_name.end())
                m_candidates.insert(m_candidates.end(), found->second.begin(), found->second.end());
        if (template_roots && !pattern.by_template.empty())
            for (auto root : *template_roots)
                if (auto found = pattern.by_template.find(root); found != pattern.by_template.end())
                    m_candidates.insert(m_candidates.end(), found->second.begin(), found->second.end());
        if (parent)
            if (auto found = pattern.by_parent.find(*parent); found != pattern.by_parent.end())
                m_candidates.insert(m_candidates.end(), found->second.begin(), found->second.end());
        if (m_candidates.empty()) return;
        std::sort(m_candidates.begin(), m_candidates.end());
        xpath::DynamicContext context = m_context;
        context.item = node;
        context.current = node;
        for (std::size_t index : m_candidates) {
            const auto& rule = pattern.rules[index];
            bool matches = false;
            try {
                matches = rule.context.matches(node, context);
            } catch (const xpath::Error& error) {
                not_evaluated(error, rule.source->where, rule.checks.size());
            }
            if (matches) {
                fire(rule, node);
                return;
            }
        }
    }

    void fire(const CompiledRule& rule, const pugi::xpath_node& node) {
        ++m_result.fired_rules;
        m_rule = &rule;
        m_node = node;
        m_local_state.assign(rule.lets.size(), State::unknown);
        for (const auto& check : rule.checks) run_check(check);
        // Locals go out of scope; a global they hid comes back.
        for (std::size_t i = 0; i < rule.lets.size(); ++i)
            if (m_local_state[i] == State::ready) m_variables.erase(rule.lets[i].name);
        for (auto& [name, value] : m_hidden) m_variables[name] = std::move(value);
        m_hidden.clear();
        m_rule = nullptr;
    }

    void run_check(const CompiledCheck& check) {
        ++m_result.checks_run;
        if (!available(check.test.variables_used())) {
            ++m_result.not_evaluated;
            return;
        }
        bool outcome;
        xpath::DynamicContext context = node_context();
        try {
            outcome = check.test.test(context);
        } catch (const xpath::Error& error) {
            not_evaluated(error, check.source->where, 1);
            return;
        }
        if (outcome != check.source->is_report) return;
        const Check& source = *check.source;
        Finding finding;
        finding.is_report = source.is_report;
        finding.id = source.id;
        finding.role = source.role;
        finding.flag = source.flag;
        finding.see = source.see;
        finding.pattern = m_pattern->source->id;
        finding.test = source.test;
        finding.location = svrl_location(m_node);
        finding.message = message(check.message);
        for (const auto& diagnostic : check.diagnostics) finding.diagnostics.push_back(message(diagnostic));
        finding.node = m_node.node() ? m_node.node() : m_node.parent();
        finding.written_at = source.where;
        m_result.findings.push_back(std::move(finding));
    }

    xpath::DynamicContext node_context() const {
        xpath::DynamicContext context = m_context;
        context.item = m_node;
        context.current = m_node;
        return context;
    }

    std::string message(const std::vector<CompiledPart>& parts) {
        std::string text;
        for (const auto& part : parts) {
            if (!part.expression) {
                text += part.kind == MessagePart::Kind::name
                            ? std::string(m_node.node() ? m_node.node().name() : m_node.attribute().name())
                            : part.text;
                continue;
            }
            if (!available(part.expression->variables_used())) continue;
            try {
                if (part.kind == MessagePart::Kind::value_of) {
                    text += part.expression->evaluate_string(node_context());
                } else {
                    auto result = part.expression->evaluate(node_context());
                    if (!result.empty() && result.front().is_node()) {
                        const auto& named = result.front().node();
                        text += named.node() ? named.node().name() : named.attribute().name();
                    }
                }
            } catch (const xpath::Error& error) {
                not_evaluated(error, {}, 0);
            }
        }
        return formats::normalize_space(text);
    }

    // Makes the variables `names` bound, evaluating lets on first use; false when one of them
    // (or a let it needs) cannot be evaluated.
    bool available(const std::vector<std::string>& names) {
        for (const auto& name : names)
            if (!available(name)) return false;
        return true;
    }

    bool available(const std::string& name) {
        if (m_rule && !m_in_global) {
            for (std::size_t i = 0; i < m_rule->lets.size(); ++i)
                if (m_rule->lets[i].name == name) return evaluate_local(i);
        }
        auto found = m_data.global_index.find(name);
        if (found == m_data.global_index.end()) return false; // compile time ensured it is declared
        return evaluate_global(found->second);
    }

    bool evaluate_local(std::size_t index) {
        auto& state = m_local_state[index];
        if (state == State::ready) return true;
        if (state != State::unknown) return false; // failed, or a cycle
        const auto& let = m_rule->lets[index];
        state = State::evaluating;
        if (!let.value || !available(let.value->variables_used())) {
            state = State::failed;
            return false;
        }
        try {
            auto value = let.value->evaluate(node_context());
            if (auto global = m_variables.find(let.name); global != m_variables.end() && !m_hidden.count(let.name))
                m_hidden.emplace(let.name, std::move(global->second));
            m_variables[let.name] = std::move(value);
            state = State::ready;
            return true;
        } catch (const xpath::Error& error) {
            not_evaluated(error, let.source->where, 0);
            state = State::failed;
            return false;
        }
    }

    bool evaluate_global(std::size_t index) {
        auto& state = m_global_state[index];
        if (state == State::ready) return true;
        if (state != State::unknown) return false;
        const auto& let = m_data.globals[index];
        state = State::evaluating;
        bool was_in_global = m_in_global;
        m_in_global = true;
        bool ok = let.value && available(let.value->variables_used());
        if (ok) {
            try {
                xpath::DynamicContext context = m_context;
                context.item = pugi::xpath_node(m_document.dom()); // global variables see the document node
                context.current = context.item;
                auto value = let.value->evaluate(context);
                // A local of the same name may be bound now: the global waits behind it.
                if (m_rule && m_variables.count(let.name) && !m_hidden.count(let.name))
                    m_hidden.emplace(let.name, std::move(value));
                else
                    m_variables[let.name] = std::move(value);
            } catch (const xpath::Error& error) {
                not_evaluated(error, let.source->where, 0);
                ok = false;
            }
        }
        m_in_global = was_in_global;
        state = ok ? State::ready : State::failed;
        return ok;
    }

    // Reports, once per cause, that checks could not be evaluated.
    void not_evaluated(const xpath::Error& error, const formats::Location& where, std::size_t checks) {
        m_result.not_evaluated += checks;
        std::string what = error.what();
        std::string cause = what.rfind(error.code, 0) == 0 ? what : error.code + ": " + what;
        if (!m_causes.insert(cause).second) return;
        m_result.problems.report(Severity::warning, "cda.schematron.not-evaluated",
                                 "checks that need it were not evaluated: " + cause, where);
    }

    const CompiledSchemaData& m_data;
    const formats::XmlDocument& m_document;
    RunResult& m_result;
    xpath::DynamicContext m_context;
    xpath::Variables m_variables;
    std::vector<State> m_global_state;
    std::vector<State> m_local_state;
    std::map<std::string, xpath::Sequence> m_hidden; // globals hidden by the fired rule's locals
    const CompiledPattern* m_pattern = nullptr;
    const CompiledRule* m_rule = nullptr;
    pugi::xpath_node m_node;
    bool m_in_global = false;
    std::set<std::string> m_causes;
    std::vector<std::size_t> m_candidates; // rules tried on the node being visited
};

} // namespace

RunResult CompiledSchema::run(const formats::XmlDocument& document, xpath::DocumentProvider* documents) const {
    RunResult result;
    xpath::DocumentIndex index(document);
    Run(*m_data, document, documents, result).run();
    return result;
}

std::string svrl_location(const pugi::xpath_node& node) {
    pugi::xml_node element = node.node() ? node.node() : node.parent();
    std::vector<std::string> steps;
    for (auto at = element; at && at.type() == pugi::node_element; at = at.parent()) {
        std::size_t same_before = 0;
        for (auto sibling = at.previous_sibling(at.name()); sibling; sibling = sibling.previous_sibling(at.name()))
            ++same_before;
        std::string step = "/" + std::string(at.name());
        if (same_before > 0) step += "[" + std::to_string(same_before + 1) + "]";
        steps.push_back(std::move(step));
    }
    std::string path;
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) path += *step;
    if (node.attribute()) path += "/@" + std::string(node.attribute().name());
    return path;
}

} // namespace healthdoc::cda::schematron
