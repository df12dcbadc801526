// The ITI-65 bundle healthdoc builds for a CDA document (push/mhd_bundle.hpp), checked against
// the CDA header it came from and fed to the sandbox's MHD recipient: accepted, found again by
// ITI-67, and retrieved by ITI-68 byte for byte.
#include "cda/header.hpp"
#include "cda/xds_metadata.hpp"
#include "formats/base64.hpp"
#include "formats/hash.hpp"
#include "formats/xml_document.hpp"
#include "push/mhd_bundle.hpp"
#include "sandbox/mhd_recipient.hpp"
#include "tests/support/test_support.hpp"

#include <set>

using namespace healthdoc;
using Json = nlohmann::ordered_json;

namespace {

const std::string k_base = "http://127.0.0.1:1/fhir";

// A CDA document with its header and XDS entry mapped the way `push` maps them.
struct Mapped {
    std::string bytes;
    cda::CdaHeader header;
    cda::XdsDocumentEntry entry;
};

Mapped map_document(std::string bytes) {
    formats::Diagnostics parse;
    auto document = formats::parse_xml(formats::SourceText("doc.xml", bytes), parse);
    REQUIRE(document);
    Mapped mapped{std::move(bytes), cda::read_header(cda::find_clinical_document(document->root())), {}};
    formats::Diagnostics mapping;
    mapped.entry = cda::map_xds_metadata(mapped.header, mapped.bytes, formats::Format::cda, mapping);
    return mapped;
}

push::MhdOptions options() {
    push::MhdOptions result;
    result.source_id = "1.2.250.1.999.42";
    // TRE_R209-TypeActivite "07": what the CI-SIS HL7v2 mapping proposes for an outpatient visit.
    result.designation_type = {"07", "1.2.250.1.213.2.2", ""};
    return result;
}

std::set<std::string> rules(const formats::Diagnostics& out, formats::Severity severity) {
    std::set<std::string> found;
    for (const auto& item : out.items())
        if (item.severity == severity) found.insert(item.rule);
    return found;
}

// The entry of `bundle` whose resource has this resourceType.
const Json& resource_of(const Json& bundle, const std::string& type) {
    for (const auto& entry : bundle["entry"])
        if (entry["resource"]["resourceType"] == type) return entry["resource"];
    FAIL("no " << type << " entry");
    static const Json none;
    return none;
}

const Json* contained(const Json& resource, const std::string& local_reference) {
    for (const auto& item : resource["contained"])
        if ("#" + item["id"].get<std::string>() == local_reference) return &item;
    return nullptr;
}

std::string ins_value(const cda::CdaHeader& header) {
    for (const auto& id : header.patients.front().ids)
        if (id.root.rfind("1.2.250.1.213.1.4.", 0) == 0) return id.extension;
    return "";
}

// Checks the DocumentReference against the header it was built from.
void check_matches_header(const Json& bundle, const Mapped& doc) {
    const Json& reference = resource_of(bundle, "DocumentReference");
    CHECK(reference["meta"]["profile"][0] == push::k_pdsm_document_reference_profile);
    CHECK(reference["masterIdentifier"]["system"] == "urn:ietf:rfc:3986");
    CHECK(reference["masterIdentifier"]["value"] == "urn:oid:" + doc.header.id.root);
    CHECK(reference["status"] == "current");
    CHECK(reference["type"]["coding"][0]["code"] == doc.header.code.code);
    CHECK(reference["type"]["coding"][0]["system"] == "http://loinc.org");
    std::string ins = ins_value(doc.header);
    REQUIRE_FALSE(ins.empty());
    std::string subject = reference["subject"]["reference"];
    CHECK(subject.rfind("Patient?identifier=urn:oid:1.2.250.1.213.1.4.", 0) == 0);
    CHECK(subject.substr(subject.find('|') + 1) == ins);
    const Json& attachment = reference["content"][0]["attachment"];
    CHECK(attachment["creation"] == doc.header.effective_time.parsed()->to_fhir());
    CHECK(attachment["language"] == doc.header.language);
    CHECK(attachment["title"] == doc.header.title);
    CHECK(attachment["size"] == doc.bytes.size());
    CHECK(attachment["hash"] == formats::base64_encode(formats::sha1_raw(doc.bytes)));
    CHECK(reference["context"]["facilityType"]["coding"][0]["code"] == doc.header.facility_type.code);
    CHECK(reference["context"]["facilityType"]["coding"][0]["system"] ==
          "https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite");
    CHECK(reference["context"]["practiceSetting"]["coding"][0]["code"] ==
          doc.header.performers.front().organization.industry_class.code);
    CHECK(reference["context"]["period"]["start"] == doc.header.service_period.low.parsed()->to_fhir());
    CHECK(reference["securityLabel"][0]["coding"][0]["code"] == doc.header.confidentiality.code);
    // Contained author, authenticator, custodian and source patient, each resolvable.
    REQUIRE(reference["author"].size() == doc.header.authors.size());
    const Json* author = contained(reference, reference["author"][0]["reference"]);
    REQUIRE(author);
    CHECK((*author)["resourceType"] == "PractitionerRole");
    const Json* practitioner = contained(reference, (*author)["practitioner"]["reference"]);
    REQUIRE(practitioner);
    CHECK((*practitioner)["identifier"][0]["value"] == doc.header.authors.front().ids.front().extension);
    CHECK(contained(reference, reference["authenticator"]["reference"]));
    CHECK(contained(reference, reference["custodian"]["reference"]));
    const Json* patient = contained(reference, reference["context"]["sourcePatientInfo"]["reference"]);
    REQUIRE(patient);
    CHECK((*patient)["identifier"][0]["value"] == ins);
}

void check_bundle_shape(const Json& bundle) {
    CHECK(bundle["resourceType"] == "Bundle");
    CHECK(bundle["type"] == "transaction");
    CHECK(bundle["meta"]["profile"][0] == push::k_pdsm_provide_bundle_profile);
    std::vector<std::string> urls;
    for (const auto& entry : bundle["entry"]) {
        CHECK(entry["fullUrl"].get<std::string>().rfind("urn:uuid:", 0) == 0);
        if (entry["request"]["method"] == "POST") urls.push_back(entry["request"]["url"]);
    }
    CHECK(urls == std::vector<std::string>{"List", "DocumentReference", "Binary"});
    const Json& list = resource_of(bundle, "List");
    CHECK(list["meta"]["profile"][0] == push::k_pdsm_submission_set_profile);
    CHECK(list["code"]["coding"][0]["code"] == "submissionset");
    CHECK(list["extension"][0]["url"] == "https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType");
    CHECK(list["extension"][1]["valueIdentifier"]["value"] == "urn:oid:1.2.250.1.999.42");
    CHECK(list["identifier"][0]["value"].get<std::string>().rfind("urn:oid:2.25.", 0) == 0);
    CHECK(list["identifier"][1]["value"] == bundle["entry"][0]["fullUrl"]);
    CHECK(list["entry"][0]["item"]["reference"] == bundle["entry"][1]["fullUrl"]);
    CHECK(contained(list, list["source"]["reference"]));
    CHECK(list["subject"] == resource_of(bundle, "DocumentReference")["subject"]);
    const Json& binary = resource_of(bundle, "Binary");
    CHECK(resource_of(bundle, "DocumentReference")["content"][0]["attachment"]["url"] ==
          bundle["entry"].back()["fullUrl"]);
    CHECK(binary["contentType"] == "text/xml");
}

// Sends `bundle` to the sandbox's ITI-65 handler; returns the new DocumentReference id.
std::string provide(sandbox::Registry& registry, const Json& bundle) {
    auto answer = sandbox::provide_document_bundle(registry, bundle.dump(), "application/fhir+json");
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    Json response = Json::parse(answer.body);
    CHECK(response["type"] == "transaction-response");
    REQUIRE(response["entry"].size() == bundle["entry"].size());
    std::string location = response["entry"][1]["response"]["location"];
    REQUIRE(location.rfind("DocumentReference/", 0) == 0);
    return location.substr(18, location.find('/', 18) - 18);
}

Json search(const sandbox::Registry& registry, const sandbox::QueryParams& params) {
    auto answer = sandbox::search_document_references(registry, params, k_base);
    REQUIRE(answer.status == 200);
    return Json::parse(answer.body);
}

// Pushes `doc`, then finds it by masterIdentifier (ITI-67) and retrieves it (ITI-68).
void round_trip(const Mapped& doc) {
    formats::Diagnostics out;
    Json bundle = push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, options(), out);
    CHECK(rules(out, formats::Severity::error).empty());
    check_bundle_shape(bundle);
    check_matches_header(bundle, doc);

    test::TempDir dir;
    sandbox::Registry registry(dir / "registry.sqlite");
    std::string id = provide(registry, bundle);
    Json found = search(registry, {{"masterIdentifier", "urn:ietf:rfc:3986|urn:oid:" + doc.header.id.root}});
    REQUIRE(found["total"] == 1);
    CHECK(found["entry"][0]["resource"]["id"] == id);
    std::string ins = resource_of(bundle, "DocumentReference")["subject"]["reference"];
    Json by_patient = search(registry, {{"patient.identifier", ins.substr(ins.find('=') + 1)}});
    CHECK(by_patient["total"] == 1);
    auto retrieved = sandbox::retrieve_document(registry, id, "*/*");
    REQUIRE(retrieved.status == 200);
    CHECK(retrieved.body == doc.bytes);
    CHECK(formats::sha1_hex(retrieved.body) == doc.entry.hash);
}

std::string consultation_note() { return test::read_file(test::source_path("examples/valid/consultation-note.xml")); }

// `text` with its first occurrence of `from` replaced by `to` (which must be present).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("push::mhd_bundle_n1_example") {
    auto file = REQUIRE_SHARED("reference/cda/ans-testcontenucda/ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml");
    if (!file) return;
    Mapped doc = map_document(test::read_file(*file));
    round_trip(doc);
    formats::Diagnostics out;
    Json bundle = push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, options(), out);
    const Json& format = resource_of(bundle, "DocumentReference")["content"][0]["format"];
    CHECK(format["code"] == "urn:ihe:iti:xds-sd:pdf:2008");
    CHECK(format["system"] == "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode");
    // classCode needs the ANS table ASS_X04: reported, never guessed.
    CHECK(rules(out, formats::Severity::warning) == std::set<std::string>{"push.mhd.missing-classCode"});
    CHECK_FALSE(resource_of(bundle, "DocumentReference").contains("category"));
}

TEST_CASE("push::mhd_bundle_consultation_note") {
    Mapped doc = map_document(consultation_note());
    round_trip(doc);
    formats::Diagnostics out;
    Json bundle = push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, options(), out);
    CHECK(rules(out, formats::Severity::warning) ==
          std::set<std::string>{"push.mhd.missing-classCode", "push.mhd.missing-formatCode"});
    const Json& reference = resource_of(bundle, "DocumentReference");
    CHECK(reference["context"]["practiceSetting"]["coding"][0]["system"] ==
          "https://mos.esante.gouv.fr/NOS/TRE_A01-CadreExercice/FHIR/TRE-A01-CadreExercice");
    CHECK(reference["context"]["period"]["end"] == "2024-01-15T10:30:00+01:00");
    const Json* patient = contained(reference, "#patient");
    REQUIRE(patient);
    CHECK((*patient)["gender"] == "female");
    CHECK((*patient)["birthDate"] == "1979-03-28");
    CHECK_FALSE(reference.contains("relatesTo"));
}

TEST_CASE("push::mhd_bundle_replacement") {
    test::TempDir dir;
    sandbox::Registry registry(dir / "registry.sqlite");
    Mapped original = map_document(consultation_note());
    formats::Diagnostics out;
    std::string original_id =
        provide(registry, push::build_iti65_bundle(original.bytes, original.entry, original.header, options(), out));
    const std::string old_root = "1.2.250.1.999.1.1.20240115.1";
    auto superseded = [&] {
        return search(registry, {{"status", "superseded"}})["total"] == 1 &&
               search(registry, {{"status", "current"}})["total"] == 1;
    };

    SUBCASE("an RPLC parent in the header becomes relatesTo replaces by identifier") {
        std::string text = replaced(consultation_note(), "<id root=\"" + old_root + "\"/>",
                                    "<id root=\"1.2.250.1.999.1.1.20240115.2\"/>");
        text = replaced(text, "<componentOf>",
                        "<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"" + old_root +
                            "\"/></parentDocument></relatedDocument>\n  <componentOf>");
        Mapped replacement = map_document(text);
        Json bundle =
            push::build_iti65_bundle(replacement.bytes, replacement.entry, replacement.header, options(), out);
        const Json& relation = resource_of(bundle, "DocumentReference")["relatesTo"][0];
        CHECK(relation["code"] == "replaces");
        CHECK(relation["target"]["identifier"]["value"] == "urn:oid:" + old_root);
        provide(registry, bundle);
        CHECK(superseded());
    }
    SUBCASE("a DocumentReference/<id> given by the caller is replaced and PATCHed to superseded") {
        Mapped replacement = map_document(replaced(consultation_note(), "<id root=\"" + old_root + "\"/>",
                                                   "<id root=\"1.2.250.1.999.1.1.20240115.3\"/>"));
        push::MhdOptions with_target = options();
        with_target.replaces_reference = "DocumentReference/" + original_id;
        Json bundle =
            push::build_iti65_bundle(replacement.bytes, replacement.entry, replacement.header, with_target, out);
        CHECK(resource_of(bundle, "DocumentReference")["relatesTo"][0]["target"]["reference"] ==
              "DocumentReference/" + original_id);
        REQUIRE(bundle["entry"].size() == 4);
        CHECK(bundle["entry"][2]["request"]["method"] == "PATCH");
        CHECK(bundle["entry"][2]["request"]["url"] == "DocumentReference/" + original_id);
        provide(registry, bundle);
        CHECK(superseded());
    }
    SUBCASE("the replaced entry named by the entryUUID its Document Source gave it") {
        Json first = search(registry, {{"status", "current"}})["entry"][0]["resource"];
        std::string entry_uuid;
        for (const auto& identifier : first["identifier"])
            if (identifier["type"]["coding"][0]["code"] == "entryUUID") entry_uuid = identifier["value"];
        REQUIRE(entry_uuid.rfind("urn:uuid:", 0) == 0);
        Mapped replacement = map_document(replaced(consultation_note(), "<id root=\"" + old_root + "\"/>",
                                                   "<id root=\"1.2.250.1.999.1.1.20240115.4\"/>"));
        push::MhdOptions with_target = options();
        with_target.replaces_reference = entry_uuid;
        provide(registry,
                push::build_iti65_bundle(replacement.bytes, replacement.entry, replacement.header, with_target, out));
        CHECK(superseded());
    }
    CHECK(rules(out, formats::Severity::error).empty());
}

TEST_CASE("push::mhd_bundle_missing_metadata") {
    SUBCASE("no legal authenticator, no INS") {
        std::string text = consultation_note();
        auto start = text.find("<legalAuthenticator>");
        auto end = text.find("</legalAuthenticator>");
        REQUIRE(end != std::string::npos);
        text.erase(start, end + std::string("</legalAuthenticator>").size() - start);
        text = replaced(text, "root=\"1.2.250.1.213.1.4.10\" extension=\"279035121518989\"",
                        "root=\"1.2.250.1.999.7\" extension=\"LOCAL-42\"");
        Mapped doc = map_document(text);
        formats::Diagnostics out;
        Json bundle = push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, options(), out);
        CHECK(rules(out, formats::Severity::error) ==
              std::set<std::string>{"push.mhd.missing-legalAuthenticator", "push.mhd.missing-patientId"});
        const Json& reference = resource_of(bundle, "DocumentReference");
        CHECK_FALSE(reference.contains("authenticator"));
        CHECK_FALSE(reference.contains("subject"));
        CHECK_FALSE(resource_of(bundle, "List").contains("subject"));
        for (const auto& item : out.items()) CHECK(item.message.find("LOCAL-42") == std::string::npos);
    }
    SUBCASE("what only the caller knows") {
        Mapped doc = map_document(consultation_note());
        formats::Diagnostics out;
        push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, push::MhdOptions{}, out);
        CHECK(rules(out, formats::Severity::error) ==
              std::set<std::string>{"push.mhd.missing-sourceId", "push.mhd.missing-designationType"});
        push::MhdOptions wrong = options();
        wrong.source_id = "not an oid";
        wrong.replaces_reference = "Patient/1";
        formats::Diagnostics invalid;
        push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, wrong, invalid);
        CHECK(rules(invalid, formats::Severity::error) ==
              std::set<std::string>{"push.mhd.invalid-sourceId", "push.mhd.invalid-replaces"});
    }
    SUBCASE("a creation time without a time zone") {
        Mapped doc = map_document(replaced(consultation_note(), "<effectiveTime value=\"20240115103000+0100\"/>",
                                           "<effectiveTime value=\"20240115103000\"/>"));
        formats::Diagnostics out;
        Json bundle = push::build_iti65_bundle(doc.bytes, doc.entry, doc.header, options(), out);
        CHECK(rules(out, formats::Severity::error) == std::set<std::string>{"push.mhd.invalid-creationTime"});
        CHECK_FALSE(resource_of(bundle, "DocumentReference")["content"][0]["attachment"].contains("creation"));
    }
    SUBCASE("nothing at all never crashes") {
        formats::Diagnostics out;
        Json bundle = push::build_iti65_bundle("", cda::XdsDocumentEntry{}, cda::CdaHeader{}, push::MhdOptions{}, out);
        CHECK(bundle["type"] == "transaction");
        for (const char* rule : {"push.mhd.missing-content", "push.mhd.missing-uniqueId", "push.mhd.missing-patientId",
                                 "push.mhd.missing-typeCode", "push.mhd.missing-authorPerson",
                                 "push.mhd.missing-legalAuthenticator", "push.mhd.missing-creationTime"})
            CHECK_MESSAGE(rules(out, formats::Severity::error).count(rule) == 1, rule);
        test::TempDir dir;
        sandbox::Registry registry(dir / "registry.sqlite");
        CHECK(sandbox::provide_document_bundle(registry, bundle.dump(), "application/fhir+json").status == 422);
    }
}
