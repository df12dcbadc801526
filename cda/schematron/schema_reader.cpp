#include "cda/schematron/schema_reader.hpp"

#include "cda/schematron/source_files.hpp"
#include "formats/text_utils.hpp"
#include "formats/xml_document.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <system_error>

namespace healthdoc::cda::schematron::detail {

namespace fs = std::filesystem;
using formats::Severity;
using formats::XmlDocument;

namespace {

constexpr std::string_view k_iso_namespace = "http://purl.oclc.org/dsdl/schematron";
constexpr std::string_view k_schematron_15_namespace = "http://www.ascc.net/xml/schematron";
constexpr std::string_view k_xslt_namespace = "http://www.w3.org/1999/XSL/Transform";

std::string attribute(const pugi::xml_node& node, const char* name) { return node.attribute(name).value(); }

// The text of every text and CDATA node below `node`, in document order.
std::string inner_text(const pugi::xml_node& node) {
    std::string out;
    for (auto n = node.first_child(); n;) {
        if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) out += n.value();
        if (n.first_child()) {
            n = n.first_child();
            continue;
        }
        while (n && n != node && !n.next_sibling()) n = n.parent();
        if (!n || n == node) break;
        n = n.next_sibling();
    }
    return out;
}

std::vector<std::string> split_ids(std::string_view text) {
    std::vector<std::string> ids;
    std::string current;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!current.empty()) ids.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) ids.push_back(std::move(current));
    return ids;
}

void append_text(std::vector<MessagePart>& parts, std::string_view text) {
    if (text.empty()) return;
    if (!parts.empty() && parts.back().kind == MessagePart::Kind::text)
        parts.back().text += text;
    else
        parts.push_back(MessagePart{MessagePart::Kind::text, std::string(text), {}});
}

class Reader {
public:
    Reader(const ReadLimits& limits, formats::Diagnostics& out) : m_limits(limits), m_out(out) {}

    std::optional<RawSchema> read(const fs::path& file);

private:
    using Visit = std::function<void(const SourceFile&, const pugi::xml_node&)>;

    // Visits the element children of `parent`, each sch:include replaced by the element it names.
    void children(const SourceFile& file, const pugi::xml_node& parent, const Visit& visit);
    void include(const SourceFile& from, const pugi::xml_node& node, const Visit& visit);

    // The local name of an ISO Schematron element, "" for any other element.
    static std::string sch_name(const pugi::xml_node& node) {
        if (XmlDocument::namespace_uri(node) != k_iso_namespace) return {};
        return std::string(XmlDocument::local_name(node.name()));
    }
    static std::string file_key(const fs::path& path, const std::string& fragment) {
        std::error_code ec;
        auto canonical = fs::weakly_canonical(path, ec);
        return (ec ? path.lexically_normal() : canonical).string() + "#" + fragment;
    }

    void schema_child(const SourceFile& file, const pugi::xml_node& node);
    void namespace_declaration(const SourceFile& file, const pugi::xml_node& node);
    std::optional<RawPattern> pattern(const SourceFile& file, const pugi::xml_node& node);
    std::optional<RawRule> rule(const SourceFile& file, const pugi::xml_node& node);
    std::optional<Check> check(const SourceFile& file, const pugi::xml_node& node, bool is_report);
    std::optional<Let> let(const SourceFile& file, const pugi::xml_node& node);
    std::optional<Phase> phase(const SourceFile& file, const pugi::xml_node& node);
    std::optional<DiagnosticMessage> diagnostic(const SourceFile& file, const pugi::xml_node& node);
    std::vector<MessagePart> message(const SourceFile& file, const pugi::xml_node& node);

    void foreign(const SourceFile& file, const pugi::xml_node& node);
    void unexpected(const SourceFile& file, const pugi::xml_node& node, std::string_view parent);
    void unsupported(const SourceFile& file, const pugi::xml_node& node, std::string_view why);
    void missing(const SourceFile& file, const pugi::xml_node& node, const char* name);

    const ReadLimits& m_limits;
    formats::Diagnostics& m_out;
    SourceFiles m_files;
    RawSchema m_raw;
    std::vector<std::string> m_stack; // files being expanded, the top-level one first
    std::size_t m_includes = 0;
};

std::optional<RawSchema> Reader::read(const fs::path& file) {
    const SourceFile* top = m_files.open(file, m_out);
    if (!top) return std::nullopt;
    auto root = top->document->root();
    auto namespace_uri = XmlDocument::namespace_uri(root);
    if (namespace_uri != k_iso_namespace || XmlDocument::local_name(root.name()) != "schema") {
        std::string message = namespace_uri == k_schematron_15_namespace
                                  ? "the schema uses the Schematron 1.5 namespace; only ISO Schematron (" +
                                        std::string(k_iso_namespace) + ") is read"
                                  : "the root element is <" + std::string(root.name()) + "> in namespace '" +
                                        namespace_uri + "'; an ISO Schematron schema starts with sch:schema (" +
                                        std::string(k_iso_namespace) + ")";
        m_out.report(Severity::error, "cda.schematron.not-a-schema", message, top->where(root));
        return std::nullopt;
    }
    auto& schema = m_raw.schema;
    schema.file = file;
    std::error_code ec;
    auto absolute = fs::absolute(file, ec);
    schema.base_uri = (ec ? file : absolute).lexically_normal().parent_path();
    schema.id = attribute(root, "id");
    schema.query_binding = attribute(root, "queryBinding");
    schema.schema_version = attribute(root, "schemaVersion");
    schema.default_phase = formats::trim(attribute(root, "defaultPhase"));
    schema.where = top->where(root);
    m_stack.push_back(file_key(file, ""));
    children(*top, root, [this](const SourceFile& f, const pugi::xml_node& n) { schema_child(f, n); });
    schema.files = m_files.opened();
    return std::move(m_raw);
}

void Reader::children(const SourceFile& file, const pugi::xml_node& parent, const Visit& visit) {
    for (auto child = parent.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element) continue;
        if (sch_name(child) == "include")
            include(file, child, visit);
        else
            visit(file, child);
    }
}

void Reader::include(const SourceFile& from, const pugi::xml_node& node, const Visit& visit) {
    auto at = from.where(node);
    auto href = formats::trim(attribute(node, "href"));
    if (href.empty()) return missing(from, node, "href");
    if (++m_includes > m_limits.max_includes) {
        if (m_includes == m_limits.max_includes + 1)
            m_out.report(Severity::error, "cda.schematron.too-many-includes",
                         "more than " + std::to_string(m_limits.max_includes) +
                             " includes expanded; the remaining ones are left out",
                         at);
        return;
    }
    auto target = resolve_href(href, from.directory());
    if (!target) {
        m_out.report(Severity::error, "cda.schematron.include-remote",
                     "include href '" + href + "' is not a local file; it is never fetched", at);
        return;
    }
    fs::path path = target->path.empty() ? from.path : target->path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        // The ISO include step (and the Saxon run the ANS verdicts come from) warns and goes on.
        std::string message = "include target '" + href + "' does not exist (" + path.string() +
                              "); what it would bring is left out, as the ISO include step leaves it";
        if (auto variant = case_variant(path))
            message += " (" + variant->string() +
                       " differs only in letter case: it is read only on a "
                       "case-insensitive file system)";
        m_out.report(Severity::warning, "cda.schematron.include-missing", message, at);
        return;
    }
    auto key = file_key(path, target->fragment);
    if (auto cycle = std::find(m_stack.begin(), m_stack.end(), key); cycle != m_stack.end()) {
        m_out.report(Severity::error, "cda.schematron.include-cycle",
                     "include of '" + href + "' makes a cycle (the file is already being included); ignored", at);
        return;
    }
    if (m_stack.size() > m_limits.max_include_depth) {
        m_out.report(Severity::error, "cda.schematron.include-depth",
                     "includes nested deeper than " + std::to_string(m_limits.max_include_depth) + " levels; '" + href +
                         "' is left out",
                     at);
        return;
    }
    const SourceFile* file = m_files.open(path, m_out);
    if (!file) {
        m_out.report(Severity::error, "cda.schematron.include-unreadable",
                     "include target '" + href + "' could not be read; it is left out", at);
        return;
    }
    auto root = file->document->root();
    if (!target->fragment.empty()) {
        const auto& id = target->fragment;
        root = file->document->dom().find_node([&id](const pugi::xml_node& n) {
            return n.type() == pugi::node_element && id == n.attribute("id").value();
        });
        if (!root) {
            m_out.report(Severity::error, "cda.schematron.include-fragment",
                         "include target '" + href + "' names no element with id '" + id + "'; it is left out", at);
            return;
        }
    }
    if (sch_name(root) == "schema") {
        m_out.report(
            Severity::error, "cda.schematron.include-schema",
            "include target '" + href + "' is a whole schema, which cannot stand inside another; it is left out", at);
        return;
    }
    m_stack.push_back(key);
    if (sch_name(root) == "include")
        include(*file, root, visit);
    else
        visit(*file, root);
    m_stack.pop_back();
}

void Reader::schema_child(const SourceFile& file, const pugi::xml_node& node) {
    auto name = sch_name(node);
    auto& schema = m_raw.schema;
    if (name.empty()) {
        foreign(file, node);
    } else if (name == "title") {
        if (schema.title.empty()) schema.title = formats::normalize_space(inner_text(node));
    } else if (name == "ns") {
        namespace_declaration(file, node);
    } else if (name == "let") {
        if (auto let_ = let(file, node)) schema.lets.push_back(std::move(*let_));
    } else if (name == "pattern") {
        if (auto pattern_ = pattern(file, node)) m_raw.patterns.push_back(std::move(*pattern_));
    } else if (name == "phase") {
        if (auto phase_ = phase(file, node)) schema.phases.push_back(std::move(*phase_));
    } else if (name == "diagnostics") {
        children(file, node, [this](const SourceFile& f, const pugi::xml_node& n) {
            auto child = sch_name(n);
            if (child.empty()) return foreign(f, n);
            if (child != "diagnostic") return unexpected(f, n, "diagnostics");
            auto diagnostic_ = diagnostic(f, n);
            if (!diagnostic_) return;
            auto id = diagnostic_->id;
            auto [at, added] = m_raw.schema.diagnostics.emplace(id, std::move(*diagnostic_));
            if (!added)
                m_out.report(Severity::warning, "cda.schematron.duplicate-id",
                             "diagnostic id '" + id + "' is already used; this one is ignored", f.where(n));
        });
    } else if (name == "p") {
        // Documentation only.
    } else if (name == "properties" || name == "extends" || name == "library" || name == "rules") {
        unsupported(file, node, "ISO Schematron 2016/2020 element");
    } else {
        unexpected(file, node, "schema");
    }
}

void Reader::namespace_declaration(const SourceFile& file, const pugi::xml_node& node) {
    auto prefix = formats::trim(attribute(node, "prefix"));
    if (prefix.empty()) return missing(file, node, "prefix");
    if (!node.attribute("uri")) return missing(file, node, "uri");
    std::string uri = attribute(node, "uri");
    auto [at, added] = m_raw.schema.namespaces.emplace(prefix, uri);
    if (!added && at->second != uri)
        m_out.report(Severity::warning, "cda.schematron.duplicate-namespace",
                     "prefix '" + prefix + "' is already bound to '" + at->second + "'; this binding to '" + uri +
                         "' is ignored",
                     file.where(node));
}

std::optional<RawPattern> Reader::pattern(const SourceFile& file, const pugi::xml_node& node) {
    RawPattern pattern;
    pattern.where = file.where(node);
    pattern.abstract = attribute(node, "abstract") == "true";
    pattern.id = attribute(node, "id");
    pattern.is_a = formats::trim(attribute(node, "is-a"));
    pattern.documents = attribute(node, "documents");
    if (pattern.abstract && !pattern.is_a.empty()) {
        m_out.report(Severity::error, "cda.schematron.bad-pattern",
                     "pattern '" + pattern.id + "' is both abstract and an instance of '" + pattern.is_a +
                         "'; it is ignored",
                     pattern.where);
        return std::nullopt;
    }
    if (pattern.abstract && pattern.id.empty()) {
        missing(file, node, "id");
        return std::nullopt;
    }
    bool instance_content = false;
    children(file, node, [&](const SourceFile& f, const pugi::xml_node& n) {
        auto name = sch_name(n);
        if (name.empty()) return foreign(f, n);
        if (name == "title") {
            if (pattern.title.empty()) pattern.title = formats::normalize_space(inner_text(n));
        } else if (name == "p") {
            // Documentation only.
        } else if (name == "param") {
            if (pattern.is_a.empty()) return unexpected(f, n, "pattern without is-a");
            auto param_name = formats::trim(attribute(n, "name"));
            if (param_name.empty()) return missing(f, n, "name");
            if (!n.attribute("value")) return missing(f, n, "value");
            pattern.params.push_back(Param{param_name, attribute(n, "value"), f.where(n)});
        } else if (name == "let") {
            instance_content = instance_content || !pattern.is_a.empty();
            if (auto let_ = let(f, n)) pattern.lets.push_back(std::move(*let_));
        } else if (name == "rule") {
            instance_content = instance_content || !pattern.is_a.empty();
            if (auto rule_ = rule(f, n)) pattern.rules.push_back(std::move(*rule_));
        } else {
            unexpected(f, n, "pattern");
        }
    });
    // ISO 19757-3 6.3: an instance holds parameters only; the skeleton replaces it by the
    // abstract pattern's content, so anything else written in it is dropped.
    if (instance_content)
        m_out.report(Severity::warning, "cda.schematron.instance-content",
                     "pattern '" + pattern.id + "' is an instance of '" + pattern.is_a +
                         "': its own rules and lets are ignored",
                     pattern.where);
    return pattern;
}

std::optional<RawRule> Reader::rule(const SourceFile& file, const pugi::xml_node& node) {
    RawRule raw;
    raw.abstract = attribute(node, "abstract") == "true";
    auto& rule = raw.rule;
    rule.context = attribute(node, "context");
    rule.id = attribute(node, "id");
    rule.role = attribute(node, "role");
    rule.flag = attribute(node, "flag");
    rule.see = attribute(node, "see");
    rule.subject = attribute(node, "subject");
    rule.icon = attribute(node, "icon");
    rule.fpi = attribute(node, "fpi");
    rule.where = file.where(node);
    if (!raw.abstract && formats::trim(rule.context).empty()) {
        missing(file, node, "context");
        return std::nullopt;
    }
    if (raw.abstract && formats::trim(rule.id).empty()) {
        missing(file, node, "id");
        return std::nullopt;
    }
    children(file, node, [&](const SourceFile& f, const pugi::xml_node& n) {
        auto name = sch_name(n);
        if (name.empty()) return foreign(f, n);
        if (name == "let") {
            if (auto let_ = let(f, n)) raw.items.emplace_back(std::move(*let_));
        } else if (name == "assert" || name == "report") {
            if (auto check_ = check(f, n, name == "report")) raw.items.emplace_back(std::move(*check_));
        } else if (name == "extends") {
            auto target = formats::trim(attribute(n, "rule"));
            if (!target.empty())
                raw.items.emplace_back(Extends{target, f.where(n)});
            else if (n.attribute("href"))
                unsupported(f, n, "sch:extends href (ISO Schematron 2016)");
            else
                missing(f, n, "rule");
        } else if (name != "p" && name != "title") {
            unexpected(f, n, "rule");
        }
    });
    return raw;
}

std::optional<Check> Reader::check(const SourceFile& file, const pugi::xml_node& node, bool is_report) {
    Check check;
    check.is_report = is_report;
    check.test = attribute(node, "test");
    check.where = file.where(node);
    if (formats::trim(check.test).empty()) {
        missing(file, node, "test");
        return std::nullopt;
    }
    check.id = attribute(node, "id");
    check.role = attribute(node, "role");
    check.flag = attribute(node, "flag");
    check.see = attribute(node, "see");
    check.subject = attribute(node, "subject");
    check.icon = attribute(node, "icon");
    check.fpi = attribute(node, "fpi");
    check.diagnostics = split_ids(attribute(node, "diagnostics"));
    check.message = message(file, node);
    return check;
}

std::optional<Let> Reader::let(const SourceFile& file, const pugi::xml_node& node) {
    auto name = formats::trim(attribute(node, "name"));
    if (name.empty()) {
        missing(file, node, "name");
        return std::nullopt;
    }
    if (!node.attribute("value")) {
        if (node.first_child())
            unsupported(file, node, "sch:let with content instead of @value (ISO Schematron 2016)");
        else
            missing(file, node, "value");
        return std::nullopt;
    }
    return Let{name, attribute(node, "value"), file.where(node)};
}

std::optional<Phase> Reader::phase(const SourceFile& file, const pugi::xml_node& node) {
    Phase phase;
    phase.id = formats::trim(attribute(node, "id"));
    phase.where = file.where(node);
    if (phase.id.empty()) {
        missing(file, node, "id");
        return std::nullopt;
    }
    children(file, node, [&](const SourceFile& f, const pugi::xml_node& n) {
        auto name = sch_name(n);
        if (name.empty()) return foreign(f, n);
        if (name == "active") {
            auto pattern_id = formats::trim(attribute(n, "pattern"));
            if (pattern_id.empty()) return missing(f, n, "pattern");
            phase.active.push_back(ActivePattern{pattern_id, f.where(n)});
        } else if (name == "let") {
            if (auto let_ = let(f, n)) phase.lets.push_back(std::move(*let_));
        } else if (name != "p") {
            unexpected(f, n, "phase");
        }
    });
    return phase;
}

std::optional<DiagnosticMessage> Reader::diagnostic(const SourceFile& file, const pugi::xml_node& node) {
    DiagnosticMessage diagnostic;
    diagnostic.id = formats::trim(attribute(node, "id"));
    diagnostic.where = file.where(node);
    if (diagnostic.id.empty()) {
        missing(file, node, "id");
        return std::nullopt;
    }
    diagnostic.role = attribute(node, "role");
    diagnostic.see = attribute(node, "see");
    diagnostic.icon = attribute(node, "icon");
    diagnostic.fpi = attribute(node, "fpi");
    diagnostic.message = message(file, node);
    return diagnostic;
}

std::vector<MessagePart> Reader::message(const SourceFile& file, const pugi::xml_node& node) {
    std::vector<MessagePart> parts;
    for (auto child = node.first_child(); child; child = child.next_sibling()) {
        auto type = child.type();
        if (type == pugi::node_pcdata || type == pugi::node_cdata) {
            append_text(parts, child.value());
            continue;
        }
        if (type != pugi::node_element) continue;
        auto name = sch_name(child);
        if (name == "value-of") {
            auto select = attribute(child, "select");
            if (formats::trim(select).empty()) {
                missing(file, child, "select");
                continue;
            }
            parts.push_back(MessagePart{MessagePart::Kind::value_of, {}, select});
        } else if (name == "name") {
            parts.push_back(MessagePart{MessagePart::Kind::name, {}, attribute(child, "path")});
        } else if (name == "emph" || name == "dir" || name == "span") {
            auto kind = name == "emph"  ? MessagePart::Kind::emph
                        : name == "dir" ? MessagePart::Kind::dir
                                        : MessagePart::Kind::span;
            parts.push_back(MessagePart{kind, inner_text(child), {}});
        } else if (!name.empty()) {
            unexpected(file, child, "a message");
        } else if (XmlDocument::namespace_uri(child) == k_xslt_namespace) {
            foreign(file, child);
        } else {
            // Foreign markup (XHTML...) is copied into the report; its text is what it says.
            append_text(parts, inner_text(child));
        }
    }
    return parts;
}

void Reader::foreign(const SourceFile& file, const pugi::xml_node& node) {
    // ISO 19757-3 allows foreign elements anywhere; only XSLT changes what expressions mean.
    if (XmlDocument::namespace_uri(node) != k_xslt_namespace) return;
    auto name = std::string(XmlDocument::local_name(node.name()));
    m_raw.schema.xslt.push_back(XsltElement{name, file.where(node)});
    m_out.report(Severity::warning, "cda.schematron.xslt-element",
                 "xsl:" + name +
                     " is XSLT, which the Schematron model does not carry; expressions that need it "
                     "cannot be evaluated",
                 file.where(node));
}

void Reader::unexpected(const SourceFile& file, const pugi::xml_node& node, std::string_view parent) {
    m_out.report(Severity::warning, "cda.schematron.unexpected-element",
                 "sch:" + std::string(XmlDocument::local_name(node.name())) + " is not expected in " +
                     (parent.find(' ') == std::string_view::npos ? "sch:" : "") + std::string(parent) + "; ignored",
                 file.where(node));
}

void Reader::unsupported(const SourceFile& file, const pugi::xml_node& node, std::string_view why) {
    m_out.report(Severity::warning, "cda.schematron.unsupported",
                 "sch:" + std::string(XmlDocument::local_name(node.name())) + " is not supported (" + std::string(why) +
                     "); ignored",
                 file.where(node));
}

void Reader::missing(const SourceFile& file, const pugi::xml_node& node, const char* name) {
    m_out.report(Severity::error, "cda.schematron.missing-attribute",
                 "sch:" + std::string(XmlDocument::local_name(node.name())) + " has no @" + name + "; it is ignored",
                 file.where(node));
}

} // namespace

std::optional<RawSchema> read_schema(const fs::path& file, const ReadLimits& limits, formats::Diagnostics& out) {
    return Reader(limits, out).read(file);
}

} // namespace healthdoc::cda::schematron::detail
