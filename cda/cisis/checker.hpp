// The toolkit the CI-SIS header rules are written with: namespace-aware navigation of the
// urn:hl7-org:v3 tree, cardinality checks, HL7 datatype checks and value-set membership, all
// reporting located diagnostics (line:col and XPath) under a `cisis.header.*` rule id.
#pragma once

#include "cda/value_sets.hpp"
#include "formats/diagnostic.hpp"
#include "formats/xml_document.hpp"

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::cda::cisis {

using Node = pugi::xml_node;

// How a value-set binding is enforced: a code outside a required set is an error, outside a
// preferred one a warning.
enum class Binding { required, preferred };

class Checker {
public:
    Checker(const formats::XmlDocument& document, const ValueSets& value_sets, formats::Diagnostics& out);

    // Children of `parent` in the HL7 v3 namespace with this local name ("sdtc:" prefix: the
    // sdtc namespace).
    static std::vector<Node> children(const Node& parent, std::string_view local);
    static Node child(const Node& parent, std::string_view local);
    static bool has_null_flavor(const Node& node) { return !node.attribute("nullFlavor").empty(); }
    // The attribute's value, "" when absent.
    static std::string_view attribute(const Node& node, const char* name) { return node.attribute(name).value(); }

    void report(formats::Severity severity, std::string_view rule, const Node& at, std::string message);
    void report_attribute(formats::Severity severity, std::string_view rule, const Node& owner, const char* attribute,
                          std::string message);
    void error(std::string_view rule, const Node& at, std::string message) {
        report(formats::Severity::error, rule, at, std::move(message));
    }
    void warning(std::string_view rule, const Node& at, std::string message) {
        report(formats::Severity::warning, rule, at, std::move(message));
    }

    // Checks how many `local` children `parent` has: at least `min`, at most `max` (0: no
    // limit). With `mandatory`, a child carrying a nullFlavor does not count and is reported.
    // Returns the children that count. `what` names the element in messages
    // ("recordTarget/patientRole").
    std::vector<Node> expect(const Node& parent, std::string_view local, int min, int max, std::string_view rule,
                             bool mandatory = false);
    // Reports when `node` lacks a non-empty `name` attribute; returns whether it has one.
    bool require_attribute(const Node& node, const char* name, std::string_view rule);

    // II: root present and an OID, UUID or RUID; extension non-empty when present or required.
    void check_ii(const Node& node, std::string_view rule, bool extension_required = false);
    // CD/CE/CS: code and codeSystem present (unless nullFlavor), codeSystem an OID;
    // displayName required when asked.
    void check_coded(const Node& node, std::string_view rule, bool display_name_required = false);
    // TS: value present (when required) and in the HL7 TS format.
    void check_ts(const Node& node, std::string_view rule, bool value_required = true);
    // IVL_TS: low/high/value each a TS; `low_required` for the effective times that need one.
    void check_ivl_ts(const Node& node, std::string_view rule, bool low_required = false);
    // Membership of the node's code + codeSystem in the set `oid`. Skipped for nullFlavors and
    // when the set is unknown (reported once as information).
    void check_in_value_set(const Node& node, std::string_view oid, std::string_view rule,
                            Binding binding = Binding::required);
    // TEL: "prefix:value" with an allowed scheme, value xor nullFlavor, the use codes of CI-SIS.
    void check_telecom(const Node& node, std::string_view rule);
    // AD: use codes, at most one of each part, at most 7 streetAddressLine.
    void check_addr(const Node& node, std::string_view rule);
    // The telecoms and addresses of `entity`.
    void check_contacts(const Node& entity, std::string_view rule);
    // PN of a professional: family required, at most one given/prefix/suffix.
    void check_professional_name(const Node& name, std::string_view rule);
    // The national id of a professional (root 1.2.250.1.71.4.2.1) or an organisation
    // (1.2.250.1.71.4.2.2): prefix, length, check digit (warnings).
    void check_national_id(const Node& id);

    const ValueSets& value_sets() const noexcept { return m_value_sets; }

private:
    const formats::XmlDocument& m_document;
    const ValueSets& m_value_sets;
    formats::Diagnostics& m_out;
};

// XML Schema / HL7 lexical forms used by the datatype checks.
bool is_oid(std::string_view text);
bool is_uid(std::string_view text); // OID, UUID or RUID
bool is_hl7_ts(std::string_view text);

} // namespace healthdoc::cda::cisis
