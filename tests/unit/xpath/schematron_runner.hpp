// A minimal ISO Schematron runner used by the tests to exercise the engine on the ANS kit's
// real schematrons and example documents: includes, abstract patterns (is-a + params), the
// default phase, lets at schema/pattern/rule level, first matching rule per pattern, rules
// indexed by element name. Test support only: not the product's schematron engine.
#pragma once

#include "xpath_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace healthdoc::xpath::test {

struct SchematronRun {
    std::size_t rules_fired = 0;
    std::size_t asserts = 0;
    std::size_t failed = 0;
    std::vector<std::string> failures; // first ones
    std::vector<std::string> errors;   // evaluation errors
};

class MiniSchematron {
public:
    explicit MiniSchematron(const std::filesystem::path& file) : m_base(file) {
        load(file);
        auto schema = m_files.front()->document_element();
        for (auto& d : m_files)
            for (auto x : d->select_nodes("//*"))
                if (local(x.node().name()) == "ns")
                    m_sc.namespaces[x.node().attribute("prefix").value()] = x.node().attribute("uri").value();
        m_sc.base_uri = file.string();
        for (auto& d : m_files)
            for (auto x : d->select_nodes("//*"))
                if (local(x.node().name()) == "let") m_sc.variables.push_back(x.node().attribute("name").value());
        // Active patterns: those of the default phase, else all.
        std::set<std::string> active;
        std::string phase = schema.attribute("defaultPhase").value();
        for (auto& d : m_files)
            for (auto x : d->select_nodes("//*"))
                if (local(x.node().name()) == "phase" && phase == x.node().attribute("id").value())
                    for (auto a : x.node().children())
                        if (local(a.name()) == "active") active.insert(a.attribute("pattern").value());
        for (auto& d : m_files)
            for (auto x : d->select_nodes("//*")) {
                auto e = x.node();
                if (local(e.name()) == "pattern" && std::string(e.attribute("abstract").value()) == "true")
                    m_abstract[e.attribute("id").value()] = e;
            }
        for (auto child : schema.children())
            if (local(child.name()) == "let") m_lets.push_back(let(child, {}));
        for (auto& d : m_files)
            for (auto x : d->select_nodes("//*")) {
                auto e = x.node();
                if (local(e.name()) != "pattern" || std::string(e.attribute("abstract").value()) == "true") continue;
                if (!active.empty() && !active.count(e.attribute("id").value())) continue;
                m_patterns.push_back(pattern(e));
            }
    }

    SchematronRun run(const Doc& doc, DocumentProvider& documents) const {
        SchematronRun out;
        Variables vars;
        DynamicContext dc;
        dc.variables = &vars;
        dc.documents = &documents;
        dc.item = pugi::xpath_node(doc.xml->dom());
        auto bind = [&](const Let& l, DynamicContext& c) {
            try {
                vars[l.name] = l.value.evaluate(c);
            } catch (const Error& e) {
                out.errors.push_back(l.name + ": " + e.what());
                vars[l.name] = {};
            }
        };
        for (auto& l : m_lets) bind(l, dc);
        std::vector<pugi::xpath_node> elements;
        for (auto x : doc.xml->dom().select_nodes("//*")) elements.push_back(x);
        for (auto& p : m_patterns) {
            for (auto& l : p.lets) bind(l, dc);
            for (auto& node : elements) {
                std::string_view name = node.node().name();
                auto colon = name.find(':');
                std::string local_name(colon == std::string_view::npos ? name : name.substr(colon + 1));
                for (auto& r : p.rules) {
                    if (r.names && !r.names->count(local_name)) continue;
                    DynamicContext rc = dc;
                    rc.item = node;
                    rc.current = node;
                    bool matched = false;
                    try {
                        matched = r.context.matches(node, rc);
                    } catch (const Error& e) {
                        out.errors.push_back(r.context.text() + ": " + e.what());
                    }
                    if (!matched) continue;
                    ++out.rules_fired;
                    Variables saved = vars;
                    for (auto& l : r.lets) bind(l, rc);
                    for (auto& a : r.checks) {
                        ++out.asserts;
                        try {
                            if (a.test.test(rc) != a.is_assert) {
                                ++out.failed;
                                if (out.failures.size() < 20)
                                    out.failures.push_back(std::string(a.is_assert ? "assert " : "report ") +
                                                           a.test.text() + " at " +
                                                           healthdoc::formats::XmlDocument::xpath_of(node.node()));
                            }
                        } catch (const Error& e) {
                            out.errors.push_back(a.test.text().substr(0, 200) + ": " + e.what());
                        }
                    }
                    vars = std::move(saved);
                    break; // first matching rule of the pattern only
                }
            }
        }
        return out;
    }

    std::size_t pattern_count() const { return m_patterns.size(); }

private:
    struct Let {
        std::string name;
        Expression value;
    };
    struct Check {
        bool is_assert;
        Expression test;
    };
    struct Rule {
        Pattern context;
        std::optional<std::set<std::string>> names; // local names, for indexing
        std::vector<Let> lets;
        std::vector<Check> checks;
    };
    struct CompiledPattern {
        std::vector<Let> lets;
        std::vector<Rule> rules;
    };
    using Params = std::vector<std::pair<std::string, std::string>>;

    static std::string local(const char* name) {
        std::string n = name;
        auto colon = n.find(':');
        return colon == std::string::npos ? n : n.substr(colon + 1);
    }

    static std::string substitute(std::string text, const Params& params) {
        for (auto& [name, value] : params) {
            std::string token = "$" + name;
            for (auto p = text.find(token); p != std::string::npos; p = text.find(token, p + 1)) {
                char after = p + token.size() < text.size() ? text[p + token.size()] : ' ';
                if (std::isalnum(static_cast<unsigned char>(after)) || after == '_' || after == '-' || after == '.')
                    continue;
                text.replace(p, token.size(), value);
            }
        }
        return text;
    }

    Let let(const pugi::xml_node& e, const Params& params) const {
        return {e.attribute("name").value(),
                Expression::compile(substitute(e.attribute("value").value(), params), m_sc)};
    }

    CompiledPattern pattern(const pugi::xml_node& e) const {
        pugi::xml_node body = e;
        Params params;
        if (auto is_a = e.attribute("is-a")) {
            body = m_abstract.at(is_a.value());
            for (auto p : e.children())
                if (local(p.name()) == "param")
                    params.emplace_back(p.attribute("name").value(), p.attribute("value").value());
            std::sort(params.begin(), params.end(), [](auto& a, auto& b) { return a.first.size() > b.first.size(); });
        }
        CompiledPattern out;
        for (auto child : body.children()) {
            std::string n = local(child.name());
            if (n == "let") out.lets.push_back(let(child, params));
            if (n != "rule" || std::string(child.attribute("abstract").value()) == "true") continue;
            Rule r{Pattern::compile(substitute(child.attribute("context").value(), params), m_sc), {}, {}, {}};
            if (auto& names = r.context.element_names()) {
                r.names.emplace();
                for (auto& name : *names) r.names->insert(name.local);
            }
            for (auto c : child.children()) {
                std::string cn = local(c.name());
                if (cn == "let") r.lets.push_back(let(c, params));
                if (cn == "assert" || cn == "report")
                    r.checks.push_back(
                        {cn == "assert", Expression::compile(substitute(c.attribute("test").value(), params), m_sc)});
            }
            out.rules.push_back(std::move(r));
        }
        return out;
    }

    void load(const std::filesystem::path& file) {
        auto dom = std::make_unique<pugi::xml_document>();
        REQUIRE_MESSAGE(dom->load_file(file.c_str()), file.string());
        std::vector<std::filesystem::path> includes;
        for (auto x : dom->select_nodes("//*"))
            if (local(x.node().name()) == "include")
                includes.push_back(file.parent_path() / x.node().attribute("href").value());
        m_files.push_back(std::move(dom));
        for (auto& i : includes) load(i);
    }

    std::filesystem::path m_base;
    StaticContext m_sc;
    std::vector<std::unique_ptr<pugi::xml_document>> m_files;
    std::map<std::string, pugi::xml_node> m_abstract;
    std::vector<Let> m_lets;
    std::vector<CompiledPattern> m_patterns;
};

} // namespace healthdoc::xpath::test
