#include "cda/schematron/engine_data.hpp"
#include "cda/schematron/loader.hpp"

#include <optional>
#include <regex>
#include <utility>

namespace healthdoc::cda::schematron {
namespace {

using formats::Severity;

class Compiler {
public:
    Compiler(CompiledSchemaData& data, formats::Diagnostics& out) : m_data(data), m_out(out) {
        m_context.namespaces = data.schema.namespaces;
        m_context.base_uri = data.schema.base_uri.empty() ? std::string() : data.schema.base_uri.string() + "/";
        // Every global is in scope everywhere (pattern lets are global variables in the
        // stylesheet the skeleton generates, and the packs use one pattern's lets in another).
        for (const auto& let : data.schema.lets) m_globals.push_back(let.name);
        for (const auto& pattern : data.schema.patterns)
            for (const auto& let : pattern.lets) m_globals.push_back(let.name);
    }

    void compile_globals() {
        auto add = [&](const Let& let) {
            auto compiled = compile_let(let, m_globals);
            if (m_data.global_index.count(let.name)) return; // the first definition wins, as in the kit's runs
            m_data.global_index.emplace(let.name, m_data.globals.size());
            m_data.globals.push_back(std::move(compiled));
        };
        for (const auto& let : m_data.schema.lets) add(let);
        for (const auto& pattern : m_data.schema.patterns)
            for (const auto& let : pattern.lets) add(let);
    }

    void compile_pattern(const Pattern& pattern) {
        CompiledPattern compiled;
        compiled.source = &pattern;
        for (const auto& rule : pattern.rules) {
            auto compiled_rule = compile_rule(rule);
            if (!compiled_rule) continue;
            std::size_t index = compiled.rules.size();
            if (auto root = template_of(rule.context); !root.empty())
                compiled.by_template[root].push_back(index);
            else if (auto parent = parent_of(rule.context))
                compiled.by_parent[*parent].push_back(index);
            else if (const auto& names = compiled_rule->context.element_names())
                for (const auto& name : *names) compiled.by_name[name].push_back(index);
            else
                compiled.any_node.push_back(index);
            m_data.checks += compiled_rule->checks.size();
            compiled.rules.push_back(std::move(*compiled_rule));
        }
        m_data.patterns.push_back(std::move(compiled));
    }

private:
    // The OID of a `*[p:templateId/@root = 'OID']` context whose prefix is the HL7 v3 namespace,
    // else "".
    std::string template_of(const std::string& context) const {
        static const std::regex k_form(
            R"(^\s*\*\s*\[\s*([A-Za-z_][\w.-]*):templateId\s*/\s*@root\s*=\s*(["'])([0-9.]+)\2\s*\]\s*$)");
        std::smatch match;
        if (!std::regex_match(context, match, k_form)) return {};
        auto prefix = m_context.namespaces.find(match[1].str());
        if (prefix == m_context.namespaces.end() || prefix->second != "urn:hl7-org:v3") return {};
        return match[3].str();
    }

    // For a context whose last step is `*` (with predicates) reached by `/` from a step naming an
    // element (`p:name`, with predicates), that element's expanded name: the node must be its
    // child. std::nullopt for any other form.
    std::optional<xpath::Pattern::Name> parent_of(const std::string& context) const {
        // The top-level '/' separators (outside predicates and string literals).
        std::vector<std::size_t> slashes;
        int depth = 0;
        char quote = 0;
        for (std::size_t i = 0; i < context.size(); ++i) {
            char c = context[i];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[' || c == '(') {
                ++depth;
            } else if (c == ']' || c == ')') {
                --depth;
            } else if (c == '|' && depth == 0) {
                return std::nullopt; // a union
            } else if (c == '/' && depth == 0) {
                slashes.push_back(i);
            }
        }
        if (depth != 0 || quote || slashes.size() < 2) return std::nullopt;
        std::size_t last = slashes.back(), before = slashes[slashes.size() - 2];
        if (last == before + 1 || context[last - 1] == '/') return std::nullopt; // `//`: any ancestor
        auto trimmed = [](std::string text) {
            auto start = text.find_first_not_of(" \t\r\n");
            auto end = text.find_last_not_of(" \t\r\n");
            return start == std::string::npos ? std::string() : text.substr(start, end - start + 1);
        };
        std::string step = trimmed(context.substr(last + 1));
        if (step.empty() || step[0] != '*' || (step.size() > 1 && step[1] != '[' && step[1] != ' '))
            return std::nullopt;
        std::string parent = trimmed(context.substr(before + 1, last - before - 1));
        parent = trimmed(parent.substr(0, parent.find('[')));
        static const std::regex k_qname(R"(^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)$)");
        std::smatch match;
        if (!std::regex_match(parent, match, k_qname)) return std::nullopt;
        auto uri = m_context.namespaces.find(match[1].str());
        if (uri == m_context.namespaces.end()) return std::nullopt;
        return xpath::Pattern::Name{uri->second, match[2].str()};
    }

    void report(const xpath::Error& error, const std::string& what, const std::string& text,
                const formats::Location& where) {
        m_out.report(Severity::error, "cda.schematron.compile-error",
                     what + " '" + text + "' does not compile (" + error.code + ": " + error.what() +
                         "); what holds it is left out",
                     where);
    }

    xpath::StaticContext context_with(const std::vector<std::string>& variables) const {
        xpath::StaticContext context = m_context;
        context.variables = variables;
        return context;
    }

    std::optional<xpath::Expression> compile_expression(const std::string& text, const std::string& what,
                                                        const std::vector<std::string>& variables,
                                                        const formats::Location& where) {
        try {
            return xpath::Expression::compile(text, context_with(variables));
        } catch (const xpath::Error& error) {
            report(error, what, text, where);
            return std::nullopt;
        }
    }

    CompiledLet compile_let(const Let& let, const std::vector<std::string>& variables) {
        return CompiledLet{let.name, compile_expression(let.value, "let $" + let.name, variables, let.where), &let};
    }

    std::vector<CompiledPart> compile_message(const std::vector<MessagePart>& parts,
                                              const std::vector<std::string>& variables,
                                              const formats::Location& where) {
        std::vector<CompiledPart> compiled;
        for (const auto& part : parts) {
            CompiledPart piece{part.kind, part.text, std::nullopt};
            bool evaluated = part.kind == MessagePart::Kind::value_of ||
                             (part.kind == MessagePart::Kind::name && !part.expression.empty());
            if (evaluated) {
                piece.expression = compile_expression(part.expression, "message expression", variables, where);
                if (!piece.expression) piece.text.clear();
            }
            compiled.push_back(std::move(piece));
        }
        return compiled;
    }

    std::optional<CompiledRule> compile_rule(const Rule& rule) {
        std::optional<xpath::Pattern> context;
        try {
            context = xpath::Pattern::compile(rule.context, context_with(m_globals));
        } catch (const xpath::Error& error) {
            report(error, "rule context", rule.context, rule.where);
            return std::nullopt;
        }
        CompiledRule compiled{&rule, std::move(*context), {}, {}};
        std::vector<std::string> variables = m_globals;
        for (const auto& let : rule.lets) variables.push_back(let.name);
        for (const auto& let : rule.lets) compiled.lets.push_back(compile_let(let, variables));
        for (const auto& check : rule.checks) {
            auto test =
                compile_expression(check.test, check.is_report ? "report test" : "assert test", variables, check.where);
            if (!test) continue;
            CompiledCheck compiled_check{
                &check, std::move(*test), compile_message(check.message, variables, check.where), {}};
            for (const auto& id : check.diagnostics)
                if (auto found = m_data.schema.diagnostics.find(id); found != m_data.schema.diagnostics.end())
                    compiled_check.diagnostics.push_back(
                        compile_message(found->second.message, variables, found->second.where));
            compiled.checks.push_back(std::move(compiled_check));
        }
        return compiled;
    }

    CompiledSchemaData& m_data;
    formats::Diagnostics& m_out;
    xpath::StaticContext m_context;
    std::vector<std::string> m_globals;
};

} // namespace

CompiledSchema::CompiledSchema() : m_data(std::make_unique<CompiledSchemaData>()) {}
CompiledSchema::~CompiledSchema() = default;

std::shared_ptr<const CompiledSchema> CompiledSchema::compile(Schema schema, std::string_view phase,
                                                              formats::Diagnostics& out) {
    std::shared_ptr<CompiledSchema> compiled(new CompiledSchema());
    auto& data = *compiled->m_data;
    data.schema = std::move(schema); // pointers into it are taken from here on: it never moves again
    data.phase = phase.empty() || phase == "#DEFAULT" ? data.schema.default_phase : std::string(phase);
    Compiler compiler(data, out);
    compiler.compile_globals();
    for (const Pattern* pattern : active_patterns(data.schema, phase, out)) compiler.compile_pattern(*pattern);
    return compiled;
}

const Schema& CompiledSchema::schema() const noexcept { return m_data->schema; }
const std::string& CompiledSchema::phase() const noexcept { return m_data->phase; }
std::size_t CompiledSchema::pattern_count() const noexcept { return m_data->patterns.size(); }
std::size_t CompiledSchema::check_count() const noexcept { return m_data->checks; }

} // namespace healthdoc::cda::schematron
