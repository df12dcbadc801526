// The CI-SIS header rules, one function per part of the header (internal to cda/cisis).
#pragma once

#include "cda/cisis/checker.hpp"

namespace healthdoc::cda::cisis {

void check_document_level(Checker& check, const Node& document);
void check_template_ids(Checker& check, const Node& document);
void check_record_target(Checker& check, const Node& document);
void check_authors(Checker& check, const Node& document);
void check_custodian(Checker& check, const Node& document);
void check_legal_authenticator(Checker& check, const Node& document);
void check_authenticators(Checker& check, const Node& document);
void check_information_recipients(Checker& check, const Node& document);
void check_participants(Checker& check, const Node& document);
void check_documentation_of(Checker& check, const Node& document);
void check_related_documents(Checker& check, const Node& document);
void check_component_of(Checker& check, const Node& document);
void check_body(Checker& check, const Node& document);

// Shared by several parts: an assignedEntity's id(s), specialty code, person and organisation.
struct EntityRules {
    const char* rule;
    int min_ids = 1, max_ids = 0;           // id cardinality (0: unbounded)
    const char* required_id_root = nullptr; // every id must have this root
    bool organization_required = false;
    bool practice_setting_required = false;
    bool ids_mandatory = false; // ids must not carry a nullFlavor
};
void check_assigned_entity(Checker& check, const Node& entity, const EntityRules& rules);
// name/prefix in the civility set (J245), name/suffix in the title set (J246): warnings.
void check_name_titles(Checker& check, const Node& name, const char* rule);

} // namespace healthdoc::cda::cisis
