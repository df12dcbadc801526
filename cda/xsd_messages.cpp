#include "cda/xsd_messages.hpp"

#include <regex>

namespace healthdoc::cda {
namespace {

// "{urn:hl7-org:v3}code" -> "code": the namespace adds nothing for a reader of a CDA file.
// Only braces holding a URI go: "{8}" in a quoted pattern stays.
std::string strip_namespaces(std::string text) {
    static const std::regex xsi(R"(\{http://www\.w3\.org/2001/XMLSchema-instance\})");
    static const std::regex braces(R"(\{[^{}' ]*[:/][^{}' ]*\})");
    return std::regex_replace(std::regex_replace(text, xsi, "xsi:"), braces, "");
}

// The value libxml2 quotes may be a patient's name or identifier: it is never repeated. A value
// may itself hold quotes, so it ends at the last of libxml2's continuations, not at the next
// quote ("The value 'O'Brien' is not ..."). No regex here: libstdc++'s std::regex recurses per
// character and a long value would exhaust the stack.
std::string drop_value(const std::string& text) {
    static const char* const markers[] = {"The value '", "The QName value '"};
    static const char* const continuations[] = {"' is not ", "' has ", "' does not ", "' of the ", "' is less ",
                                                "' is greater "};
    std::size_t begin = std::string::npos, after_marker = 0;
    std::string replacement;
    for (const char* marker : markers) {
        if (auto at = text.find(marker); at != std::string::npos && at < begin) {
            begin = at;
            after_marker = at + std::char_traits<char>::length(marker);
            replacement = std::string(marker, std::char_traits<char>::length(marker) - 2);
        }
    }
    if (begin == std::string::npos && !text.empty() && text.front() == '\'') { // "'x' is not a valid value of ..."
        begin = 0;
        after_marker = 1;
        replacement = "The value";
    }
    if (begin == std::string::npos) return text;
    std::size_t end = std::string::npos;
    for (const char* continuation : continuations) {
        auto at = text.rfind(continuation);
        if (at != std::string::npos && at >= after_marker && (end == std::string::npos || at > end)) end = at;
    }
    if (end == std::string::npos) return text.substr(0, begin) + replacement + " is not valid";
    return text.substr(0, begin) + replacement + text.substr(end + 1);
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
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '.')) text.pop_back();
    return text;
}

std::string lower_first(std::string text) {
    if (text.size() > 1 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'a' && text[1] <= 'z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
    return text;
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

} // namespace

XsdFinding rewrite_xsd_message(std::string_view libxml2_message) {
    // "Element 'name'(, attribute 'attr')?: rest"; names never hold quotes.
    std::string rest = trim(std::string(libxml2_message));
    std::string element, attribute;
    auto quoted_at = [&](std::size_t at, std::string& into) {
        auto close = rest.find('\'', at);
        if (close == std::string::npos) return std::string::npos;
        into = rest.substr(at, close - at);
        return close + 1;
    };
    if (rest.rfind("Element '", 0) == 0) {
        auto next = quoted_at(9, element);
        if (next != std::string::npos && rest.compare(next, 13, ", attribute '") == 0) next = quoted_at(next + 13, attribute);
        if (next != std::string::npos && rest.compare(next, 2, ": ") == 0) {
            rest = rest.substr(next + 2);
        } else {
            element.clear();
            attribute.clear();
        }
    }
    rest = drop_value(rest);
    // What is left comes from the schema; enumerations of large value sets are cut short so
    // the regexes below stay cheap.
    if (rest.size() > 2000) rest = rest.substr(0, 2000) + " ...";
    element = strip_namespaces(element);
    attribute = strip_namespaces(attribute);
    rest = strip_namespaces(rest);
    std::smatch m;
    // "The attribute 'value' is required but missing." names the attribute only in the text.
    static const std::regex named_attribute(R"(^The attribute '([^']*)' )");
    if (attribute.empty() && std::regex_search(rest, m, named_attribute)) attribute = m[1].str();

    std::string rule = "cda.schema.invalid";
    if (contains(rest, "This element is not expected")) rule = "cda.schema.unexpected-element";
    else if (contains(rest, "Missing child element")) rule = "cda.schema.missing-element";
    else if (contains(rest, "is required but missing")) rule = "cda.schema.missing-attribute";
    else if (contains(rest, "is not allowed") && !attribute.empty()) rule = "cda.schema.unexpected-attribute";
    else if (attribute == "xsi:type" || contains(rest, "xsi:type") || contains(rest, "type definition is abstract"))
        rule = "cda.schema.bad-type";
    else if (!attribute.empty()) rule = "cda.schema.bad-attribute-value";
    else if (contains(rest, "is not a valid value") || contains(rest, "facet") ||
             contains(rest, "is not accepted by the pattern") || contains(rest, "is not an element of the set") ||
             contains(rest, "character content") || rest.rfind("The value", 0) == 0)
        rule = "cda.schema.bad-datatype";

    static const std::regex facet(R"(\[facet '[^']*'\] )");
    rest = trim(lower_first(expected_list(std::regex_replace(rest, facet, ""))));
    auto expected = [&] {
        auto pos = rest.find("expected one of <");
        if (pos == std::string::npos) pos = rest.find("expected <");
        return pos != std::string::npos ? "; " + rest.substr(pos) : std::string();
    };
    std::string where = "<" + element + ">";
    std::string message;
    if (element.empty()) {
        message = rest;
    } else if (rule == "cda.schema.unexpected-element") {
        message = "element " + where + " is not allowed here" + expected();
    } else if (rule == "cda.schema.missing-element") {
        message = "element " + where + " is missing a required child element" + expected();
    } else if (rule == "cda.schema.missing-attribute") {
        message = "attribute @" + attribute + " of " + where + " is required but missing";
    } else if (rule == "cda.schema.unexpected-attribute") {
        message = "attribute @" + attribute + " is not allowed on " + where;
    } else if (contains(rest, "type definition is abstract")) {
        message = "element " + where + " has an abstract type: it needs an xsi:type naming a concrete type";
    } else if (!attribute.empty()) {
        message = "attribute @" + attribute + " of " + where + ": " + rest;
    } else {
        message = "element " + where + ": " + rest;
    }
    // Location matching works on local names ("xsi:type" is attribute "type").
    if (auto colon = attribute.find(':'); colon != std::string::npos) attribute = attribute.substr(colon + 1);
    return {rule, message, attribute};
}

} // namespace healthdoc::cda
