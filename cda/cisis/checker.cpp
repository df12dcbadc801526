#include "cda/cisis/checker.hpp"

#include "cda/cisis/national_ids.hpp"

#include <algorithm>
#include <array>
#include <regex>

namespace healthdoc::cda::cisis {
namespace {

using formats::Severity;
using formats::XmlDocument;

constexpr const char* k_hl7_v3 = "urn:hl7-org:v3";
constexpr const char* k_sdtc = "urn:hl7-org:sdtc";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

constexpr std::array k_address_parts{"country",
                                     "state",
                                     "city",
                                     "postalCode",
                                     "county",
                                     "houseNumber",
                                     "houseNumberNumeric",
                                     "streetName",
                                     "streetNameType",
                                     "additionalLocator",
                                     "unitID",
                                     "postBox",
                                     "precinct"};

} // namespace

bool is_oid(std::string_view text) {
    // ^[0-2](\.(0|[1-9]\d*))*$
    if (text.empty() || text[0] < '0' || text[0] > '2') return false;
    std::size_t i = 1;
    while (i < text.size()) {
        if (text[i] != '.' || i + 1 >= text.size() || !is_digit(text[i + 1])) return false;
        std::size_t start = ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
        if (text[start] == '0' && i - start > 1) return false;
    }
    return true;
}

bool is_uid(std::string_view text) {
    static const std::regex uuid("^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$");
    static const std::regex ruid("^[A-Za-z][A-Za-z0-9-]*$");
    std::string value(text);
    return is_oid(text) || std::regex_match(value, uuid) || std::regex_match(value, ruid);
}

bool is_hl7_ts(std::string_view text) {
    // The kit's test is '^[0-9]{4,14}': at least four digits first. Precision and zone forms
    // are the schema's business.
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits])) ++digits;
    return digits >= 4;
}

Checker::Checker(const formats::XmlDocument& document, const ValueSets& value_sets, formats::Diagnostics& out)
    : m_document(document), m_value_sets(value_sets), m_out(out) {}

std::vector<Node> Checker::children(const Node& parent, std::string_view local) {
    const char* ns = k_hl7_v3;
    if (local.substr(0, 5) == "sdtc:") {
        ns = k_sdtc;
        local.remove_prefix(5);
    }
    std::vector<Node> found;
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && XmlDocument::local_name(c.name()) == local &&
            XmlDocument::namespace_uri(c) == ns)
            found.push_back(c);
    return found;
}

Node Checker::child(const Node& parent, std::string_view local) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && XmlDocument::local_name(c.name()) == local &&
            XmlDocument::namespace_uri(c) == k_hl7_v3)
            return c;
    return {};
}

void Checker::report(Severity severity, std::string_view rule, const Node& at, std::string message) {
    m_out.report(severity, std::string(rule), std::move(message), m_document.location_of(at));
}

void Checker::report_attribute(Severity severity, std::string_view rule, const Node& owner, const char* attribute,
                               std::string message) {
    auto attr = owner.attribute(attribute);
    auto location = attr ? m_document.location_of(owner, attr) : m_document.location_of(owner);
    if (!attr) location.path += std::string("/@") + attribute;
    m_out.report(severity, std::string(rule), std::move(message), std::move(location));
}

std::vector<Node> Checker::expect(const Node& parent, std::string_view local, int min, int max, std::string_view rule,
                                  bool mandatory) {
    auto all = children(parent, local);
    std::vector<Node> counted;
    std::string where = std::string(XmlDocument::local_name(parent.name()));
    for (const auto& node : all) {
        if (mandatory && has_null_flavor(node))
            error(rule, node,
                  where + "/" + std::string(local) + " must carry a value: a nullFlavor is not allowed here");
        else
            counted.push_back(node);
    }
    auto count = static_cast<int>(counted.size());
    if (count < min && (!mandatory || all.empty()))
        error(rule, parent,
              where + " must contain " + (min == 1 ? std::string("a ") : "at least " + std::to_string(min) + " ") +
                  std::string(local) + " element" + (min == 1 ? "" : "s") + "; found none");
    if (max > 0 && count > max)
        error(rule, counted[static_cast<std::size_t>(max)],
              where + " must contain at most " + std::to_string(max) + " " + std::string(local) + " element" +
                  (max == 1 ? "" : "s") + "; found " + std::to_string(count));
    return counted;
}

bool Checker::require_attribute(const Node& node, const char* name, std::string_view rule) {
    if (!attribute(node, name).empty()) return true;
    report_attribute(Severity::error, rule, node, name,
                     std::string(XmlDocument::local_name(node.name())) + " must have a non-empty @" + name);
    return false;
}

void Checker::check_ii(const Node& node, std::string_view rule, bool extension_required) {
    if (has_null_flavor(node)) return;
    if (require_attribute(node, "root", rule) && !is_uid(attribute(node, "root")))
        report_attribute(Severity::error, rule, node, "root",
                         "@root must be an OID, a UUID or an HL7 RUID; found '" + std::string(attribute(node, "root")) +
                             "'");
    if (extension_required)
        require_attribute(node, "extension", rule);
    else if (node.attribute("extension") && attribute(node, "extension").empty())
        report_attribute(Severity::error, rule, node, "extension", "@extension, when present, must not be empty");
}

void Checker::check_coded(const Node& node, std::string_view rule, bool display_name_required) {
    if (has_null_flavor(node)) return;
    require_attribute(node, "code", rule);
    if (require_attribute(node, "codeSystem", rule) && !is_oid(attribute(node, "codeSystem")))
        report_attribute(Severity::error, rule, node, "codeSystem",
                         "@codeSystem must be an OID; found '" + std::string(attribute(node, "codeSystem")) + "'");
    if (display_name_required) require_attribute(node, "displayName", rule);
}

void Checker::check_ts(const Node& node, std::string_view rule, bool value_required) {
    if (has_null_flavor(node)) return;
    if (!node.attribute("value")) {
        if (value_required) require_attribute(node, "value", rule);
        return;
    }
    if (!is_hl7_ts(attribute(node, "value")))
        report_attribute(Severity::error, rule, node, "value",
                         "@value must be an HL7 date-time (YYYYMMDDHHMMSS+ZZZZ, at least the year)");
}

void Checker::check_ivl_ts(const Node& node, std::string_view rule, bool low_required) {
    if (has_null_flavor(node)) return;
    auto low = expect(node, "low", low_required ? 1 : 0, 1, rule);
    auto high = expect(node, "high", 0, 1, rule);
    for (const auto& n : low) check_ts(n, rule);
    for (const auto& n : high) check_ts(n, rule);
    if (node.attribute("value")) check_ts(node, rule);
}

void Checker::check_in_value_set(const Node& node, std::string_view oid, std::string_view rule, Binding binding) {
    if (!node || has_null_flavor(node)) return;
    auto code = attribute(node, "code");
    if (code.empty()) return; // reported by check_coded where a code is required
    const auto* set = m_value_sets.find(oid);
    if (!set) return;
    if (set->find(code, attribute(node, "codeSystem"))) return;
    std::string message = std::string(XmlDocument::local_name(node.name())) + " " + std::string(code) +
                          " (code system " + std::string(attribute(node, "codeSystem")) + ") is not in the value set " +
                          set->name() + " (" + set->oid() + ")";
    if (const auto* same_code = set->find_code(code))
        message += "; the set has this code in code system " + same_code->code_system;
    report(binding == Binding::required ? Severity::error : Severity::warning, rule, node, std::move(message));
}

void Checker::check_telecom(const Node& node, std::string_view rule) {
    auto value = attribute(node, "value");
    bool null_flavor = has_null_flavor(node);
    if (null_flavor == !value.empty()) {
        error(rule, node, "telecom must have exactly one of @value and @nullFlavor");
        return;
    }
    if (null_flavor) {
        if (!one_of(attribute(node, "nullFlavor"), {"UNK", "NASK", "ASKU", "NAV", "MSK"}))
            report_attribute(Severity::error, rule, node, "nullFlavor",
                             "telecom/@nullFlavor must be UNK, NASK, ASKU, NAV or MSK");
    } else {
        auto colon = value.find(':');
        auto scheme = colon == std::string_view::npos ? std::string_view() : value.substr(0, colon);
        if (!one_of(scheme, {"tel", "fax", "mailto", "http", "ftp", "mllp"}) || colon + 1 >= value.size())
            report_attribute(Severity::error, rule, node, "value",
                             "telecom/@value must be 'scheme:address' with scheme tel, fax, mailto, http, ftp or mllp");
    }
    if (node.attribute("use") &&
        !one_of(attribute(node, "use"), {"H", "HP", "HV", "WP", "DIR", "PUB", "EC", "MC", "PG"}))
        report_attribute(Severity::error, rule, node, "use",
                         "telecom/@use must be one of H, HP, HV, WP, DIR, PUB, EC, MC, PG; found '" +
                             std::string(attribute(node, "use")) + "'");
}

void Checker::check_addr(const Node& node, std::string_view rule) {
    if (node.attribute("use") && !one_of(attribute(node, "use"), {"H", "HP", "HV", "WP", "TMP"}))
        report_attribute(Severity::error, rule, node, "use",
                         "addr/@use must be H, HP, HV, WP or TMP; found '" + std::string(attribute(node, "use")) + "'");
    for (const char* part : k_address_parts) expect(node, part, 0, 1, rule);
    expect(node, "streetAddressLine", 0, 7, rule);
}

void Checker::check_contacts(const Node& entity, std::string_view rule) {
    for (const auto& addr : children(entity, "addr")) check_addr(addr, rule);
    for (const auto& telecom : children(entity, "telecom")) check_telecom(telecom, rule);
}

void Checker::check_professional_name(const Node& name, std::string_view rule) {
    expect(name, "family", 1, 1, rule);
    expect(name, "given", 0, 1, rule);
    expect(name, "prefix", 0, 1, rule);
    expect(name, "suffix", 0, 1, rule);
}

void Checker::check_national_id(const Node& id) {
    auto root = attribute(id, "root");
    auto extension = attribute(id, "extension");
    if (extension.empty() || has_null_flavor(id)) return;
    std::optional<IdProblem> problem;
    std::string_view kind;
    if (root == k_professional_oid) {
        problem = check_professional_id(extension);
        kind = "professional";
    } else if (root == k_organization_oid) {
        problem = check_organization_id(extension);
        kind = "organisation";
    } else {
        return;
    }
    if (!problem) return;
    // Warnings only: the official rules do not check these, and the kit's own examples carry
    // fictitious ids; a real document with a wrong one will not match the national directories.
    report_attribute(Severity::warning,
                     problem->key_only ? "cisis.header.national-id-key" : "cisis.header.national-id-format", id,
                     "extension", "national " + std::string(kind) + " id: " + problem->message);
}

} // namespace healthdoc::cda::cisis
