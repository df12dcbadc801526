#include "formats/render_sarif.hpp"

#include "formats/render_common.hpp"

#include <map>

namespace healthdoc::formats {

namespace {

// SARIF 2.1.0 section 3.27.10 level values.
std::string_view sarif_level(Severity severity) {
    switch (severity) {
    case Severity::fatal:
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::information: return "note";
    }
    return "none";
}

bool keep_in_uri(char c) {
    // RFC 3986 unreserved characters, plus "/" and the sub-delims and "@" allowed in a path
    // segment; ":" is encoded so that "a:b.xml" is not read as a scheme, "%" and everything
    // else are encoded too.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._~/!$&'()*+,;=@").find(c) != std::string_view::npos;
}

class Builder {
public:
    explicit Builder(const RenderOptions& options) : m_options(options) {}

    void add(const Diagnostic& diagnostic, std::string_view file) {
        nlohmann::ordered_json result;
        if (!diagnostic.rule.empty()) {
            result["ruleId"] = diagnostic.rule;
            result["ruleIndex"] = rule_index(diagnostic);
        }
        result["level"] = sarif_level(diagnostic.severity);
        // message.text is required and should not be empty (section 3.11.8).
        result["message"] = {{"text", diagnostic.message.empty() ? diagnostic.rule : diagnostic.message}};
        nlohmann::ordered_json location = nlohmann::ordered_json::object();
        const Location& where = diagnostic.location;
        if (!file.empty()) {
            nlohmann::ordered_json physical;
            physical["artifactLocation"] = {{"uri", sarif_uri(file)}};
            if (where.line > 0) {
                nlohmann::ordered_json region;
                region["startLine"] = where.line;
                if (where.column > 0) region["startColumn"] = where.column;
                physical["region"] = std::move(region);
            }
            location["physicalLocation"] = std::move(physical);
        }
        if (!where.path.empty())
            location["logicalLocations"] = nlohmann::ordered_json::array({{{"fullyQualifiedName", where.path}}});
        if (!location.empty()) result["locations"] = nlohmann::ordered_json::array({std::move(location)});
        m_results.push_back(std::move(result));
    }

    nlohmann::ordered_json finish() {
        nlohmann::ordered_json driver;
        driver["name"] = "healthdoc";
        if (!m_options.tool_version.empty()) driver["version"] = m_options.tool_version;
        driver["rules"] = std::move(m_rules);
        nlohmann::ordered_json run;
        run["tool"] = {{"driver", std::move(driver)}};
        // Our columns count characters (code points); SARIF's default is UTF-16 code units.
        run["columnKind"] = "unicodeCodePoints";
        run["results"] = std::move(m_results);
        nlohmann::ordered_json log;
        log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
        log["version"] = "2.1.0";
        log["runs"] = nlohmann::ordered_json::array({std::move(run)});
        return log;
    }

private:
    std::size_t rule_index(const Diagnostic& diagnostic) {
        const auto [it, inserted] = m_rule_indexes.try_emplace(diagnostic.rule, m_rules.size());
        if (inserted) {
            nlohmann::ordered_json rule;
            rule["id"] = diagnostic.rule;
            rule["shortDescription"] = {{"text", diagnostic.message.empty() ? diagnostic.rule : diagnostic.message}};
            rule["defaultConfiguration"] = {{"level", sarif_level(diagnostic.severity)}};
            m_rules.push_back(std::move(rule));
        }
        return it->second;
    }

    const RenderOptions& m_options;
    std::map<std::string, std::size_t> m_rule_indexes;
    nlohmann::ordered_json m_rules = nlohmann::ordered_json::array();
    nlohmann::ordered_json m_results = nlohmann::ordered_json::array();
};

} // namespace

std::string sarif_uri(std::string_view file) {
    if (file == "-") return "stdin";
    std::string path(file);
    for (char& c : path)
        if (c == '\\') c = '/';
    std::string out;
    std::string_view rest = path;
    if (!path.empty() && path.front() == '/') {
        out = "file://";
    } else if (path.size() >= 3 && path[1] == ':' && path[2] == '/' &&
               ((path[0] >= 'a' && path[0] <= 'z') || (path[0] >= 'A' && path[0] <= 'Z'))) {
        out = "file:///" + path.substr(0, 2); // a Windows drive path, RFC 8089 appendix E.2
        rest.remove_prefix(2);
    }
    static constexpr char k_hex[] = "0123456789ABCDEF";
    for (char c : rest) {
        if (keep_in_uri(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += k_hex[byte >> 4];
            out += k_hex[byte & 0xF];
        }
    }
    return out;
}

nlohmann::ordered_json to_sarif(const RunReport& run, const RenderOptions& options) {
    Builder builder(options);
    for (const auto& diagnostic : run.run_diagnostics.items()) builder.add(diagnostic, diagnostic.location.file);
    for (const auto& document : run.documents)
        for (const auto& diagnostic : document.diagnostics.items())
            builder.add(diagnostic, finding_file(document, diagnostic));
    return builder.finish();
}

void render_sarif(const RunReport& run, const RenderOptions& options, std::ostream& out) {
    out << dump_json(to_sarif(run, options));
}

} // namespace healthdoc::formats
