#include "cda/pdf_info.hpp"

#include "formats/xml_document.hpp"

#include <vector>

namespace healthdoc::cda {
namespace {

using formats::XmlDocument;

constexpr std::string_view k_pdfaid = "http://www.aiim.org/pdfa/ns/id/";

// Namespace URI bound to `prefix` in scope at `element` ("" when unbound).
std::string namespace_of_prefix(pugi::xml_node element, std::string_view prefix) {
    std::string declaration = "xmlns:" + std::string(prefix);
    for (; element && element.type() == pugi::node_element; element = element.parent())
        if (auto attribute = element.attribute(declaration.c_str())) return attribute.value();
    return {};
}

bool is_pdfaid_attribute(const pugi::xml_node& element, const pugi::xml_attribute& attribute, std::string_view local) {
    std::string_view name = attribute.name();
    auto colon = name.find(':');
    if (colon == std::string_view::npos || name.substr(colon + 1) != local) return false;
    return namespace_of_prefix(element, name.substr(0, colon)) == k_pdfaid;
}

// Walks the packet's tree (iteratively: the tree is hostile input) for pdfaid:part and
// pdfaid:conformance, as attributes (rdf:Description shorthand) or elements.
std::optional<PdfaClaim> claim_in(const XmlDocument& packet) {
    PdfaClaim claim;
    std::vector<pugi::xml_node> stack{packet.root()};
    while (!stack.empty()) {
        auto node = stack.back();
        stack.pop_back();
        for (auto attribute : node.attributes()) {
            if (is_pdfaid_attribute(node, attribute, "part")) claim.part = attribute.value();
            if (is_pdfaid_attribute(node, attribute, "conformance")) claim.conformance = attribute.value();
        }
        auto local = XmlDocument::local_name(node.name());
        if ((local == "part" || local == "conformance") && XmlDocument::namespace_uri(node) == k_pdfaid)
            (local == "part" ? claim.part : claim.conformance) = node.text().get();
        for (auto c = node.first_child(); c; c = c.next_sibling())
            if (c.type() == pugi::node_element) stack.push_back(c);
    }
    if (claim.part.empty()) return std::nullopt;
    return claim;
}

// The XMP packets of `pdf`: from each <?xpacket begin to its <?xpacket end ...?> (XMP part 1,
// 7.3), or from <x:xmpmeta to </x:xmpmeta> for writers that leave the wrapper out.
std::vector<std::string_view> xmp_packets(std::string_view pdf) {
    std::vector<std::string_view> packets;
    auto collect = [&](std::string_view open, std::string_view close, bool to_pi_end) {
        for (std::size_t at = pdf.find(open); at != std::string_view::npos; at = pdf.find(open, at + 1)) {
            auto end = pdf.find(close, at);
            if (end == std::string_view::npos) break;
            end += close.size();
            if (to_pi_end) {
                end = pdf.find("?>", end);
                if (end == std::string_view::npos) break;
                end += 2;
            }
            packets.push_back(pdf.substr(at, end - at));
            at = end - 1;
        }
    };
    collect("<?xpacket begin", "<?xpacket end", true);
    if (packets.empty()) collect("<x:xmpmeta", "</x:xmpmeta>", false);
    return packets;
}

} // namespace

std::optional<PdfaClaim> find_pdfa_claim(std::string_view pdf) {
    for (auto packet : xmp_packets(pdf)) {
        formats::Diagnostics ignored;
        auto document = formats::parse_xml(formats::SourceText("xmp", std::string(packet)), ignored);
        if (!document) continue;
        if (auto claim = claim_in(*document)) return claim;
    }
    return std::nullopt;
}

} // namespace healthdoc::cda
