// The Schematron loader on the real packs: the ANS CI-SIS test kit (every top-level model
// schema and each profile layer) and HL7's C-CDA R2.1 schematron. Expected figures come from
// other methods than the loader: xmllint counts, a separate Python/ElementTree expansion, and
// the kit's own Saxon-expanded copy of one schema (schematrons/moteur/concret.sch).
#include "cda/schematron/loader.hpp"
#include "tests/support/test_support.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using healthdoc::cda::schematron::active_patterns;
using healthdoc::cda::schematron::inventory;
using healthdoc::cda::schematron::load_schema;
using healthdoc::cda::schematron::Pattern;
using healthdoc::cda::schematron::Schema;
using healthdoc::formats::Diagnostics;
using healthdoc::formats::Severity;
namespace fs = std::filesystem;

namespace {

const char* const k_kit = "reference/cda/ans-testcontenucda/schematrons";

std::string listing(const Diagnostics& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics.items())
        out += d.location.file + ":" + std::to_string(d.location.line) + ": " + d.message + " [" + d.rule + "]\n";
    return out;
}

// The kit's top-level schemas, relative to schematrons/: the 59 models and the five layers.
std::vector<std::string> kit_schemas(const fs::path& root) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root))
        if (entry.path().extension() == ".sch") names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const char* layer :
         {"profils/IHE.sch", "profils/CI-SIS_ModelesDeContenusCDA.sch", "profils/CI-SIS_Modeles_ANS.sch",
          "profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch",
          "profils/terminologies/schematron/terminologie.sch"})
        names.push_back(layer);
    return names;
}

Schema load_kit(const fs::path& root, const std::string& name, Diagnostics& out) {
    auto schema = load_schema(root / name, out);
    INFO(name << "\n" << listing(out));
    REQUIRE(schema);
    return std::move(*schema);
}

const Pattern& pattern(const Schema& schema, const std::string& id) {
    for (const auto& p : schema.patterns)
        if (p.id == id) return p;
    FAIL("no pattern " << id);
    throw;
}

bool ends_with(const std::string& text, const std::string& tail) {
    return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

} // namespace

TEST_CASE("cda::schematron ANS kit: every schema loads, only missing includes are reported") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    // Include targets the kit lacks at commit 7cd489b3, listed with a separate Python walk over
    // every href. All but BIO-CR-BIO 2023.01's exist with another letter case (the kit is written
    // on Windows); the reference run, on Linux, left them out with a warning like this loader.
    const std::set<std::string> expected_missing{
        "CI-SIS_BIO-CR-BIO_2023.01.sch "
        "include/jeuxDeValeurs/BIO-CR-BIO_2023.01/JDV_HL7_ObservationInterpretation-CISIS.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entete/Entete_CR-BIO.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entrees/"
        "E_FR-Batterie-examens-de-biologie-medicale.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entrees/"
        "E_FR-Isolat-microbiologique.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entrees/"
        "E_FR-Laboratoire-executant.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entrees/E_FR-Prelevement.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entrees/"
        "E_FR-Resultat-examens-de-biologie-element-clinique-pertinent.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Entrees/"
        "E_FR-Resultats-examens-de-biologie-medicale.sch",
        "CI-SIS_BIO-CR-BIO_2023.01.sch include/specificationsVolets/BIO-CR-BIO_2023.01/Sections/"
        "S_FR-Resultats-de-laboratoire-de-biologie-de-seconde-intention.sch",
        "CI-SIS_CARD-F-PRC-TAP_2022.01.sch include/specificationsVolets/CARD-F-PRC-TAP_2022.01/entrees/"
        "E_AllergiesAndHypersensibilites_CARD-F-PRC-TAP.sch",
        "CI-SIS_CARD-F-PRC-TAP_2022.01.sch include/specificationsVolets/CARD-F-PRC-TAP_2022.01/entrees/"
        "E_DM_CARD-F-PRC-TAP.sch",
        "CI-SIS_CNAM-HR_2021.01.sch "
        "include/specificationsVolets/CNAM-HR_2021.01/Sections/S_CommentaireNonCodee-CISIS.sch",
        "CI-SIS_CNAM-HR_2021.01.sch "
        "include/specificationsVolets/CNAM-HR_2021.01/Sections/S_DispositifsMedicaux-CISIS.sch",
        "CI-SIS_CNAM-HR_2021.01.sch include/specificationsVolets/CNAM-HR_2021.01/Sections/"
        "S_HistoriquePriseEnChargeMedicale.sch",
        "CI-SIS_CNAM-HR_2021.01.sch include/specificationsVolets/CNAM-HR_2021.01/Sections/S_Traitements-CISIS.sch",
        "CI-SIS_CNAM-HR_2021.01.sch include/specificationsVolets/CNAM-HR_2021.01/Sections/S_Vaccinations-CISIS.sch",
        "CI-SIS_CSE-CS8_2022.01.sch include/jeuxDeValeurs/CSE-CS8_2022.01/JDV_RechAgHbS-CISIS.sch",
        "CI-SIS_CSE-CS8_2024.01.sch include/jeuxDeValeurs/CSE-CS8_2024.01/JDV_RechAgHbS-CISIS.sch",
        "CI-SIS_CSE-CS8_2025.01.sch include/jeuxDeValeurs/CSE-CS8_2025.01/JDV_RechAgHbS-CISIS.sch",
        "CI-SIS_OBP-SAP_2024.01.sch include/specificationsVolets/OBP-SAP_2024.01/Sections/S_birthOrganizer_OBP-SAP.sch",
        "IHE.sch ../include/entrees/E_directiveAnticipee_int.sch",
    };
    std::set<std::string> missing;
    const std::regex href("include target '([^']+)' does not exist");
    for (const auto& name : kit_schemas(*root)) {
        Diagnostics out;
        auto schema = load_kit(*root, name, out);
        INFO(name << "\n" << listing(out));
        CHECK_FALSE(out.has_at_least(Severity::error));
        std::size_t includes = 0, actives = 0;
        for (const auto& d : out.items()) {
            // Reported where the include is written: in the top-level file for all of these.
            CHECK(d.location.file == (*root / name).string());
            CHECK(d.location.line > 0);
            std::smatch match;
            if (d.rule == "cda.schematron.include-missing" && std::regex_search(d.message, match, href)) {
                ++includes;
                missing.insert(fs::path(name).filename().string() + " " + match[1].str());
            } else if (d.rule == "cda.schematron.unknown-pattern") {
                ++actives; // the phase naming a pattern of a missing file
            } else {
                FAIL("unexpected finding: " << d.message);
            }
        }
        CHECK(includes == actives);
        CHECK(schema.query_binding == "xslt2");
        CHECK(schema.xslt.empty());
        CHECK(schema.base_uri == (*root / name).lexically_normal().parent_path());
    }
    CHECK(missing == expected_missing);
}

TEST_CASE("cda::schematron ANS kit: sizes match an independent expansion") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    // patterns, rules, asserts, reports, lets (schema, phase, pattern and rule level, extends
    // included) computed by a separate Python/ElementTree expansion of include, is-a and extends.
    struct Expected {
        const char* name;
        std::size_t patterns, rules, asserts, reports, lets;
    };
    const std::vector<Expected> expected{
        {"CI-SIS_ANEST-CR-ANEST_2022.01.sch", 26, 32, 97, 0, 67},
        {"CI-SIS_AVC-AUNV_2022.01.sch", 42, 42, 123, 0, 160},
        {"CI-SIS_BIO-CR-BIO_2023.01.sch", 1, 1, 1, 0, 1},
        {"CI-SIS_CSE-CS24_2022.01.sch", 25, 27, 107, 4, 20},
        {"CI-SIS_DLU-EHPAD-FLUDT_2022.01.sch", 5, 5, 17, 1, 4},
        {"CI-SIS_SDM-MR_2024.01.sch", 20, 29, 95, 0, 48},
        {"CI-SIS_TLM-DA_2022.01.sch", 5, 7, 21, 0, 4},
        {"CI-SIS_eDISP-MED_2024.01.sch", 5, 11, 34, 0, 0},
        {"profils/CI-SIS_ModelesDeContenusCDA.sch", 141, 158, 886, 9, 146},
        {"profils/CI-SIS_Modeles_ANS.sch", 67, 70, 392, 2, 14},
        {"profils/IHE.sch", 230, 249, 1303, 8, 159},
        {"profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch", 4, 766, 12923, 213, 2539},
        {"profils/terminologies/schematron/terminologie.sch", 1, 15, 15, 0, 37},
    };
    for (const auto& e : expected) {
        Diagnostics out;
        auto counts = inventory(load_kit(*root, e.name, out));
        INFO(e.name);
        CHECK(counts.patterns == e.patterns);
        CHECK(counts.rules == e.rules);
        CHECK(counts.asserts == e.asserts);
        CHECK(counts.reports == e.reports);
        CHECK(counts.lets == e.lets);
    }
}

TEST_CASE("cda::schematron ANS kit: DLU-FLUDT equals the kit's own Saxon-expanded copy") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    // moteur/concret.sch is what the kit's include and abstract-expand steps made of
    // CI-SIS_DLU-EHPAD-FLUDT_2022.01.sch: same patterns, contexts, tests and message
    // expressions, in the same order, once our expansion is done.
    Diagnostics out;
    auto ours = load_kit(*root, "CI-SIS_DLU-EHPAD-FLUDT_2022.01.sch", out);
    auto theirs = load_kit(*root, "moteur/concret.sch", out);
    CHECK(out.empty());
    REQUIRE(ours.patterns.size() == theirs.patterns.size());
    for (std::size_t p = 0; p < ours.patterns.size(); ++p) {
        const auto& a = ours.patterns[p];
        const auto& b = theirs.patterns[p];
        INFO("pattern " << a.id);
        CHECK(a.id == b.id);
        REQUIRE(a.rules.size() == b.rules.size());
        for (std::size_t r = 0; r < a.rules.size(); ++r) {
            CHECK(a.rules[r].context == b.rules[r].context);
            REQUIRE(a.rules[r].lets.size() == b.rules[r].lets.size());
            REQUIRE(a.rules[r].checks.size() == b.rules[r].checks.size());
            for (std::size_t c = 0; c < a.rules[r].checks.size(); ++c) {
                const auto& x = a.rules[r].checks[c];
                const auto& y = b.rules[r].checks[c];
                CHECK(x.test == y.test);
                REQUIRE(x.message.size() == y.message.size());
                for (std::size_t m = 0; m < x.message.size(); ++m)
                    CHECK(x.message[m].expression == y.message[m].expression);
            }
        }
    }
    CHECK(pattern(ours, "JDV_ProtheseObjetPersonnel").is_a == "dansJeuDeValeurs");
}

TEST_CASE("cda::schematron ANS kit: abstract patterns are instantiated, located where written") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    Diagnostics out;
    auto schema = load_kit(*root, "CI-SIS_TLM-DA_2022.01.sch", out);
    const auto& instance = pattern(schema, "JDV_SeverityObservation");
    CHECK(instance.is_a == "dansJeuDeValeurs");
    CHECK(ends_with(instance.where.file, "include/jeuxDeValeurs/TLM-DA_2022.01/JDV_SeverityObservation.sch"));
    CHECK(instance.where.line == 3);
    REQUIRE(instance.rules.size() == 1);
    const auto& rule = instance.rules[0];
    CHECK(rule.context == "cda:observation[cda:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.4.1' and "
                          "cda:code/@code='SEV']/cda:value");
    CHECK(ends_with(rule.where.file, "abstract/dansJeuDeValeurs.sch"));
    CHECK(rule.where.line == 22);
    REQUIRE(rule.checks.size() == 3); // the fourth assert of the file is commented out
    CHECK(rule.checks[0].test == "(not(@nullFlavor) or 0)");
    CHECK(rule.checks[0].where.line == 27);
    CHECK(rule.checks[2].test.find("document($jdv_Severite)//svs:Concept") != std::string::npos);
    CHECK(rule.checks[2].where.line == 51);
    // The parameter's value is a let of another pattern, global in the compiled stylesheet.
    CHECK(pattern(schema, "variables").lets.at(0).name == "jdv_Severite");

    // Section patterns keep the include file's location.
    const auto& section = pattern(schema, "S_anamnese_ANS");
    CHECK(ends_with(section.where.file, "include/sections/S_anamnese_ANS.sch"));
    CHECK(section.rules.at(0).checks.at(0).where.line == 18);
    CHECK(section.rules.at(0).checks.at(0).test == "../cda:section");

    // No $parameter of an instance is left in any expression, in any kit schema.
    const std::regex param_name("<param\\s+name=\"\\s*([A-Za-z_][\\w.-]*)\\s*\"");
    for (const auto& name : kit_schemas(*root)) {
        Diagnostics ignored;
        auto loaded = load_kit(*root, name, ignored);
        for (const auto& p : loaded.patterns) {
            if (p.is_a.empty()) continue;
            auto text = healthdoc::test::read_file(p.where.file);
            std::set<std::string> params;
            for (std::sregex_iterator it(text.begin(), text.end(), param_name), end; it != end; ++it)
                params.insert((*it)[1].str());
            REQUIRE_FALSE(params.empty());
            auto clean = [&](const std::string& expression) {
                for (const auto& param : params) {
                    auto at = expression.find("$" + param);
                    while (at != std::string::npos) {
                        auto next = at + 1 + param.size();
                        bool longer = next < expression.size() &&
                                      (std::isalnum(static_cast<unsigned char>(expression[next])) ||
                                       expression[next] == '_' || expression[next] == '-' || expression[next] == '.');
                        INFO(name << " " << p.id << ": " << expression);
                        CHECK(longer);
                        at = expression.find("$" + param, next);
                    }
                }
            };
            for (const auto& rule_ : p.rules) {
                clean(rule_.context);
                for (const auto& let : rule_.lets) clean(let.value);
                for (const auto& check : rule_.checks) {
                    clean(check.test);
                    for (const auto& part : check.message) clean(part.expression);
                }
            }
        }
    }
}

TEST_CASE("cda::schematron ANS kit: extends brings abstract rules in, across files and patterns") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    Diagnostics out;
    auto schema = load_kit(*root, "profils/structurationMinimale/ASIP-STRUCT-MIN-StrucMin.sch", out);
    CHECK(out.empty());
    const healthdoc::cda::schematron::Rule* found = nullptr;
    for (const auto& p : schema.patterns)
        for (const auto& rule : p.rules)
            if (rule.id == "d5811e55-false-d5923e0") found = &rule;
    REQUIRE(found);
    // <extends rule="CD"/> then 5 asserts; CD extends ANY (1 assert) and holds 16 asserts and
    // reports of its own (xmllint counts).
    REQUIRE(found->checks.size() == 1 + 16 + 5);
    CHECK(found->checks[0].extended_from == "ANY");
    CHECK(ends_with(found->checks[0].where.file, "include/DTr1_ANY.sch"));
    CHECK(found->checks[0].where.line == 9);
    CHECK(found->checks[1].extended_from == "CD");
    CHECK(ends_with(found->checks[1].where.file, "include/DTr1_CD.sch"));
    CHECK(found->checks[1].where.line == 10);
    CHECK(found->checks[17].extended_from.empty());
    CHECK(found->checks[17].where.line == 1753);

    auto terminology = load_kit(*root, "profils/terminologies/schematron/terminologie.sch", out);
    REQUIRE(terminology.patterns.size() == 1);
    for (const auto& rule : terminology.patterns[0].rules) {
        REQUIRE(rule.checks.size() == 1);
        const auto& from = rule.checks[0].extended_from;
        CHECK((from == "is-code-exist" || from == "is-code-ucum-exist"));
        CHECK(rule.lets.size() == (from == "is-code-exist" ? 4u : 2u));
    }
}

TEST_CASE("cda::schematron ANS kit: phases select the model's patterns") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    Diagnostics out;
    auto schema = load_kit(*root, "CI-SIS_TLM-DA_2022.01.sch", out);
    CHECK(schema.default_phase == "CI-SIS_TLM-DA_2022.01");
    std::string ids;
    for (const auto* p : active_patterns(schema, "", out)) ids += p->id + " ";
    CHECK(ids == "S_anamneseEtFacteursDeRisques_ANS S_anamnese_ANS Entete_TLM-DA JDV_SeverityObservation variables ");
    CHECK(out.empty());

    for (const auto& name : kit_schemas(*root)) {
        Diagnostics ignored;
        auto loaded = load_kit(*root, name, ignored);
        Diagnostics phase_out;
        auto active = active_patterns(loaded, "", phase_out);
        INFO(name);
        CHECK(phase_out.empty());
        if (loaded.default_phase.empty()) {
            CHECK(active.size() == loaded.patterns.size());
            continue;
        }
        std::set<std::string> named;
        for (const auto& phase : loaded.phases)
            if (phase.id == loaded.default_phase)
                for (const auto& a : phase.active) named.insert(a.pattern);
        std::set<std::string> present;
        for (const auto& p : loaded.patterns)
            if (named.count(p.id)) present.insert(p.id);
        CHECK(active.size() == present.size());
    }
}

TEST_CASE("cda::schematron ANS kit: document() paths resolve against the top-level schema's directory") {
    auto root = REQUIRE_SHARED(k_kit);
    if (!root) return;
    // Every string literal naming an .xml file in a let or an expression: value-set paths
    // ('../jeuxDeValeurs/...', written in the top-level files) and doc('include/voc-...') (written
    // in profils/structurationMinimale/include/*.sch, meant for profils/structurationMinimale/).
    const std::regex literal("'([^'$]+\\.xml)'");
    // Absent from the kit itself at commit 7cd489b3 (see its SOURCE.txt for the voc file).
    const std::set<std::string> upstream_gaps{
        "../jeuxDeValeurs/JDV_BilanDiagnostic_CISIS.xml",
        "../jeuxDeValeurs/JDV_HL7_Condition_ver_status_CISIS.xml",
        "../../jeuxDeValeurs/JDV_ClinicalStatusCodes_CISIS.xml",
        "include/voc-1.2.250.1.213.1.1.5.471-DYNAMIC.xml",
    };
    std::size_t resolved = 0, beside_writer = 0;
    std::set<std::string> unresolved;
    for (const auto& name : kit_schemas(*root)) {
        Diagnostics out;
        auto schema = load_kit(*root, name, out);
        auto visit = [&](const std::string& expression, const std::string& written_in) {
            for (std::sregex_iterator it(expression.begin(), expression.end(), literal), end; it != end; ++it) {
                auto relative = (*it)[1].str();
                if (relative.find('/') == std::string::npos) continue; // a piece of a concat()
                std::error_code ec;
                if (fs::exists(schema.base_uri / relative, ec))
                    ++resolved;
                else
                    unresolved.insert(relative);
                auto writer_directory = fs::path(written_in).lexically_normal().parent_path();
                if (writer_directory != schema.base_uri && fs::exists(writer_directory / relative, ec)) ++beside_writer;
            }
        };
        for (const auto& let : schema.lets) visit(let.value, let.where.file);
        for (const auto& p : schema.patterns) {
            for (const auto& let : p.lets) visit(let.value, let.where.file);
            for (const auto& rule : p.rules) {
                for (const auto& let : rule.lets) visit(let.value, let.where.file);
                for (const auto& check : rule.checks) visit(check.test, check.where.file);
            }
        }
    }
    MESSAGE(resolved << " literal .xml paths resolved against Schema::base_uri");
    CHECK(resolved > 400);
    std::string unresolved_list;
    for (const auto& path : unresolved) unresolved_list += path + "\n";
    INFO(unresolved_list);
    CHECK(unresolved == upstream_gaps);
    // Not one resolves against the directory of the included file it is written in.
    CHECK(beside_writer == 0);
    // The terminology layer builds its paths with concat($path_terminologie, ...).
    Diagnostics out;
    auto terminology = load_kit(*root, "profils/terminologies/schematron/terminologie.sch", out);
    CHECK(terminology.patterns.at(0).lets.at(0).value == "'../terminologie/'");
    CHECK(fs::exists(terminology.base_uri / "../terminologie/2.16.840.1.113883.6.8.xml"));
}

TEST_CASE("cda::schematron C-CDA R2.1 schematron loads whole") {
    auto file = REQUIRE_SHARED("reference/cda/ccda-schematron/validation/Consolidated CDA Templates for Clinical Notes "
                               "(US Realm) DSTU R2.1.sch");
    if (!file) return;
    Diagnostics out;
    auto schema = load_schema(*file, out);
    INFO(listing(out));
    REQUIRE(schema);
    CHECK(out.empty());
    CHECK(schema->query_binding.empty()); // XSLT 1.0 by default
    CHECK(schema->namespaces.at("cda") == "urn:hl7-org:v3");
    CHECK(schema->namespaces.size() == 5);
    // Counted by a Python/ElementTree walk: 433 patterns, 505 concrete rules (504 abstract ones
    // merged through 554 extends), 4093 asserts once extends are expanded.
    auto counts = inventory(*schema);
    CHECK(counts.patterns == 433);
    CHECK(counts.rules == 505);
    CHECK(counts.asserts == 4093);
    CHECK(counts.reports == 0);
    CHECK(counts.lets == 1);
    REQUIRE(schema->phases.size() == 2);
    CHECK(schema->phases[0].id == "errors");
    CHECK(schema->phases[0].active.size() == 218);
    CHECK(schema->phases[1].active.size() == 215);
    CHECK(active_patterns(*schema, "errors", out).size() == 218);
    CHECK(active_patterns(*schema, "warnings", out).size() == 215);
    CHECK(active_patterns(*schema, "", out).size() == 433);
    CHECK(out.empty());
}
