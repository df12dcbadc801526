#include "cda/cisis/header_rules.hpp"

#include "cda/cisis/sections.hpp"

namespace healthdoc::cda {
namespace {

class CisisHeaderLayer final : public ValidationLayer {
public:
    explicit CisisHeaderLayer(ValueSets value_sets) : m_value_sets(std::move(value_sets)) {}
    std::string_view name() const override { return "cisis-header"; }
    bool applies_to(formats::Format format) const override {
        return format == formats::Format::cda || format == formats::Format::cda_autopresentable;
    }
    void run(const LayerInput& input, formats::Diagnostics& out) const override {
        if (input.xml && input.clinical_document)
            check_cisis_header(*input.xml, input.clinical_document, m_value_sets, out);
    }

private:
    ValueSets m_value_sets;
};

} // namespace

void check_cisis_header(const formats::XmlDocument& document, const pugi::xml_node& clinical_document,
                        const ValueSets& value_sets, formats::Diagnostics& out) {
    cisis::Checker check(document, value_sets, out);
    const auto& cd = clinical_document;
    cisis::check_document_level(check, cd);
    cisis::check_template_ids(check, cd);
    cisis::check_record_target(check, cd);
    cisis::check_authors(check, cd);
    cisis::check_custodian(check, cd);
    cisis::check_information_recipients(check, cd);
    cisis::check_legal_authenticator(check, cd);
    cisis::check_authenticators(check, cd);
    cisis::check_participants(check, cd);
    cisis::check_documentation_of(check, cd);
    cisis::check_related_documents(check, cd);
    cisis::check_component_of(check, cd);
    cisis::check_body(check, cd);
}

std::unique_ptr<ValidationLayer> make_cisis_header_layer(ValueSets value_sets) {
    return std::make_unique<CisisHeaderLayer>(std::move(value_sets));
}

} // namespace healthdoc::cda
