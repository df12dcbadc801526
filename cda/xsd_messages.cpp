#include "cda/xsd_messages.hpp"

#include <regex>

namespace healthdoc::cda {
namespace {

// "{urn:hl7-org:v3}code" -> "code": the namespace adds nothing for a reader of a CDA file.
std::string strip_namespaces(std::string text) {
    static const std::regex braces(R"(\{[^{}' ]*\})");
    return std::regex_replace(text, braces, "");
}

// The value libxml2 quotes may be a patient's name or identifier: it is never repeated.
std::string drop_values(std::string text) {
    static const std::regex value_of(R"(The value '[^']*')");
    static const std::regex leading_value(R"(^'[^']*' is not)");
    static const std::regex inner_value(R"(([:,.] )'[^']*' is not)");
    static const std::regex qname_value(R"(The QName value '[^']*')");
    static const std::regex facet(R"(\[facet '([^']*)'\] )");
    text = std::regex_replace(text, value_of, "The value");
    text = std::regex_replace(text, qname_value, "The QName value");
    text = std::regex_replace(text, leading_value, "The value is not");
    text = std::regex_replace(text, inner_value, "$1the value is not");
    text = std::regex_replace(text, facet, "");
    return text;
}

std::string expected_list(std::string text) {
    // "Expected is one of ( a, b )." -> "expected one of <a>, <b>"
    static const std::regex one_of(R"(Expected is one of \( ([^)]*) \)\.?)");
    static const std::regex single(R"(Expected is \( ([^)]*) \)\.?)");
    auto bracket = [](const std::string& list) {
        std::string out;
        std::size_t start = 0;
        while (start <= list.size()) {
            auto comma = list.find(", ", start);
            auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!out.empty()) out += ", ";
            out += "<" + item + ">";
            if (comma == std::string::npos) break;
            start = comma + 2;
        }
        return out;
    };
    std::smatch m;
    if (std::regex_search(text, m, one_of)) return m.prefix().str() + "expected one of " + bracket(m[1].str());
    if (std::regex_search(text, m, single)) return m.prefix().str() + "expected " + bracket(m[1].str());
    return text;
}

std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

} // namespace

XsdFinding rewrite_xsd_message(std::string_view libxml2_message) {
    std::string raw = strip_namespaces(trim(std::string(libxml2_message)));
    // "Element 'name'(, attribute 'attr')?: rest"
    static const std::regex head(R"(^Element '([^']*)'(?:, attribute '([^']*)')?: (.*)$)");
    std::smatch m;
    std::string element, attribute, rest = raw;
    if (std::regex_match(raw, m, head)) {
        element = m[1].str();
        attribute = m[2].str();
        rest = m[3].str();
    }
    std::string rule = "cda.schema.invalid";
    if (rest.find("This element is not expected") != std::string::npos) rule = "cda.schema.unexpected-element";
    else if (rest.find("Missing child element") != std::string::npos) rule = "cda.schema.missing-element";
    else if (rest.find("is not allowed") != std::string::npos && !attribute.empty()) rule = "cda.schema.unexpected-attribute";
    else if (rest.find("is required but missing") != std::string::npos) rule = "cda.schema.missing-attribute";
    else if (attribute == "xsi:type" || attribute == "type" ||
             rest.find("xsi:type") != std::string::npos)
        rule = "cda.schema.bad-type";
    else if (!attribute.empty()) rule = "cda.schema.bad-attribute-value";
    else if (rest.find("is not a valid value") != std::string::npos || rest.find("facet") != std::string::npos ||
             rest.find("is not accepted by the pattern") != std::string::npos)
        rule = "cda.schema.bad-datatype";

    rest = expected_list(drop_values(rest));
    std::string message;
    auto expected_at = [&] {
        auto pos = rest.find("expected one of <");
        return pos != std::string::npos ? pos : rest.find("expected <");
    };
    if (rule == "cda.schema.unexpected-element") {
        auto pos = expected_at();
        message = "element <" + element + "> is not allowed here" +
                  (pos != std::string::npos ? "; " + rest.substr(pos) : std::string());
    } else if (rule == "cda.schema.missing-element") {
        auto pos = expected_at();
        message = "element <" + element + "> is missing a required child element" +
                  (pos != std::string::npos ? "; " + rest.substr(pos) : std::string());
    } else {
        message = (element.empty() ? std::string() : "element <" + element + ">") +
                  (attribute.empty() ? std::string() : ", attribute @" + attribute) +
                  (element.empty() ? "" : ": ") + rest;
    }
    while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
    return {rule, message, attribute};
}

} // namespace healthdoc::cda
