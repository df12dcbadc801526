// Which model schematron of an ANS CI-SIS pack applies to a CDA document.
//
// Each top-level schematrons/CI-SIS_<model>_<version>.sch of the kit checks one document model.
// Its header part (the included Entete file) and its own rules say what a document of that model
// is: the ClinicalDocument/templateId elements it must declare (some with an @extension), the
// ClinicalDocument/code it must have, and the sections its body must hold. The index reads those
// asserts (regular expressions over the rules of the top-level file and its header part; nothing is
// compiled) and the choice matches a document against them:
//
//  1. A model applies when the document declares every template id its header part requires
//     (with the @extension when the assert fixes one) and, when the header part fixes the document
//     code, has one of those codes.
//  2. Among the models that apply, the most specific one wins: the most header facts (required
//     template ids, plus one for a fixed code) its own schematron asserts.
//  3. Among the versions of that model (VSM_1.4_2022.01 and VSM_2023.01 are versions of VSM):
//     the version the document declares (a ClinicalDocument/templateId@extension "2024.01" or
//     "202401"); when it declares one the pack lacks, the latest version before it, else the
//     oldest. When it declares none: a version whose required sections the document all holds,
//     the one that checks most, then the latest; when none does, the latest.
//
// A schematron whose header part asserts nothing (its Entete file is missing or empty, as for
// BIO-CR-BIO_2023.01, or checks only other things, as for CSE-MDE_2023.01) borrows what its other
// versions all require (template ids and code); when it has no other version, the template ids
// every other model of its volet requires (the part of the name before the first '-': CSE-MDE
// takes 1.2.250.1.213.1.1.1.5 from CSE-CS8, CS9 and CS24). Borrowed facts make it eligible but
// count for nothing in step 2, so a model whose own schematron names the document wins over it.
#pragma once

#include <pugixml.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace healthdoc::cda {

// A ClinicalDocument/templateId a model requires; an empty extension means any (or none).
struct TemplateRequirement {
    std::string root;
    std::string extension;
    bool operator==(const TemplateRequirement&) const = default;
    auto operator<=>(const TemplateRequirement&) const = default;
};

// A model schematron of an ANS pack and what it requires of a document.
struct ModelSchematron {
    std::filesystem::path file;
    std::string model;                             // "BIO-CR-BIO", "VSM_1.4"
    std::string version;                           // "2024.01"
    std::vector<TemplateRequirement> template_ids; // on ClinicalDocument, all required
    std::vector<std::string> codes;                // ClinicalDocument/code/@code, one of (empty: not fixed)
    std::vector<std::string> section_template_ids; // template ids its body must hold, all required
    // Header facts its own schematron asserts (template ids, plus one for a fixed code); 0 when
    // `template_ids` and `codes` were borrowed from its other versions or its volet.
    int header_facts = 0;
};

// What the choice reads from a document.
struct DocumentFacts {
    std::vector<std::pair<std::string, std::string>> template_ids; // ClinicalDocument/templateId (root, extension)
    std::string code;                                              // ClinicalDocument/code/@code
    std::set<std::string> body_template_ids;                       // every templateId/@root in its component
};

DocumentFacts document_facts(const pugi::xml_node& clinical_document);

// The pack's model schematrons (schematrons/CI-SIS_<model>_<version>.sch), sorted by file. Reads
// each top-level file and the header part it includes (an href naming "Entete" or "en-tete").
std::vector<ModelSchematron> model_schematrons(const std::filesystem::path& schematrons);

// The model schematron for a document, by the rule above; nullptr when no model applies.
const ModelSchematron* choose_model(const std::vector<ModelSchematron>& models, const DocumentFacts& document);

} // namespace healthdoc::cda
