// Token cursor, node tests and sequence types for the parser.
#include "xpath/parser_types.hpp"

#include "xpath/functions.hpp"

namespace healthdoc::xpath {

TypeParser::TypeParser(std::vector<Token> tokens, const StaticContext& context)
    : m_tokens(std::move(tokens)), m_context(context), m_namespaces(context.namespaces) {
    m_namespaces.try_emplace("xml", "http://www.w3.org/XML/1998/namespace");
    m_namespaces.try_emplace("xs", std::string(k_xs_uri));
    m_namespaces.try_emplace("xsi", "http://www.w3.org/2001/XMLSchema-instance");
    m_namespaces.try_emplace("fn", std::string(k_fn_uri));
    m_namespaces.try_emplace("err", "http://www.w3.org/2005/xqt-errors");
}

const Token& TypeParser::peek(std::size_t ahead) const {
    std::size_t i = m_pos + ahead;
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back();
}

const Token& TypeParser::next() {
    const Token& t = peek();
    if (m_pos + 1 < m_tokens.size()) ++m_pos;
    return t;
}

bool TypeParser::is_symbol_at(std::size_t ahead, const char* text) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::symbol && t.text == text;
}

bool TypeParser::accept_symbol(const char* text) {
    if (!is_symbol(text)) return false;
    next();
    return true;
}

void TypeParser::expect_symbol(const char* text) {
    if (!accept_symbol(text)) {
        const Token& t = peek();
        fail(std::string("\"") + text + "\" expected" +
             (t.kind == TokenKind::end ? " before the end" : ", found \"" + t.text + "\""));
    }
}

bool TypeParser::is_keyword_at(std::size_t ahead, const char* word) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::name && t.prefix.empty() && t.local == word;
}

void TypeParser::expect_keyword(const char* word) {
    if (!is_keyword(word)) fail(std::string("\"") + word + "\" expected");
    next();
}

void TypeParser::fail(const std::string& message) const { fail(message, peek().offset); }

void TypeParser::fail(const std::string& message, std::size_t offset) const {
    throw Error("XPST0003", message + " at offset " + std::to_string(offset), offset);
}

std::string TypeParser::resolve_prefix(const std::string& prefix, std::size_t offset) const {
    auto it = m_namespaces.find(prefix);
    if (it == m_namespaces.end())
        throw Error("XPST0081", "namespace prefix \"" + prefix + "\" is not declared", offset);
    return it->second;
}

NodeTest TypeParser::parse_node_test(Axis axis) {
    const Token& t = peek();
    if (t.kind == TokenKind::name && is_symbol_at(1, "(")) return parse_kind_test();
    NodeTest test;
    test.kind = NodeTest::Kind::name;
    if (is_symbol("*")) {
        next();
        return test;
    }
    if (t.kind != TokenKind::name) fail("name test expected");
    next();
    test.any_local = t.local == "*";
    if (!test.any_local) test.local = t.local;
    if (t.prefix == "*") return test;
    test.any_uri = false;
    if (!t.prefix.empty())
        test.uri = resolve_prefix(t.prefix, t.offset);
    else if (axis != Axis::attribute)
        test.uri = m_context.default_element_namespace;
    return test;
}

NodeTest TypeParser::parse_kind_test() {
    const Token& t = next();
    std::size_t offset = t.offset;
    std::string name = t.local;
    if (!t.prefix.empty()) fail("kind test expected", offset);
    expect_symbol("(");
    NodeTest test;
    if (name == "node")
        test.kind = NodeTest::Kind::any_node;
    else if (name == "text")
        test.kind = NodeTest::Kind::text;
    else if (name == "comment")
        test.kind = NodeTest::Kind::comment;
    else if (name == "processing-instruction") {
        test.kind = NodeTest::Kind::pi;
        if (peek().kind == TokenKind::name || peek().kind == TokenKind::string) test.pi_target = next().text;
    } else if (name == "element" || name == "attribute") {
        test.kind = name == "element" ? NodeTest::Kind::element : NodeTest::Kind::attribute;
        if (!is_symbol(")")) {
            if (!accept_symbol("*")) {
                const Token& n = next();
                if (n.kind != TokenKind::name || n.local == "*" || n.prefix == "*") fail("name expected", n.offset);
                test.any_uri = test.any_local = false;
                test.local = n.local;
                if (!n.prefix.empty())
                    test.uri = resolve_prefix(n.prefix, n.offset);
                else if (test.kind == NodeTest::Kind::element)
                    test.uri = m_context.default_element_namespace;
            }
            if (accept_symbol(",")) {
                // Untyped documents: only xs:anyType / xs:untyped / xs:untypedAtomic annotations match.
                const Token& type = next();
                if (type.local != "anyType" && type.local != "untyped" && type.local != "untypedAtomic" &&
                    type.local != "anySimpleType")
                    throw Error("HDXP0002", "schema type annotations are not supported", type.offset);
                accept_symbol("?");
            }
        }
    } else if (name == "document-node") {
        test.kind = NodeTest::Kind::document;
        if (!is_symbol(")")) throw Error("HDXP0002", "document-node(element(...)) is not supported", offset);
    } else if (name == "schema-element" || name == "schema-attribute") {
        throw Error("HDXP0002", name + "() needs a schema; not supported", offset);
    } else {
        fail("unknown kind test " + name, offset);
    }
    expect_symbol(")");
    return test;
}

SequenceType TypeParser::atomic_type_named(const std::string& local, std::size_t offset) const {
    static const std::pair<const char*, Type> types[] = {
        {"untypedAtomic", Type::untypedAtomic},
        {"string", Type::string},
        {"normalizedString", Type::normalizedString},
        {"token", Type::token},
        {"language", Type::language},
        {"NMTOKEN", Type::NMTOKEN},
        {"Name", Type::Name},
        {"NCName", Type::NCName},
        {"ID", Type::ID},
        {"IDREF", Type::IDREF},
        {"ENTITY", Type::ENTITY},
        {"anyURI", Type::anyURI},
        {"boolean", Type::boolean},
        {"decimal", Type::decimal},
        {"integer", Type::integer},
        {"long", Type::long_},
        {"int", Type::int_},
        {"short", Type::short_},
        {"byte", Type::byte_},
        {"nonNegativeInteger", Type::nonNegativeInteger},
        {"positiveInteger", Type::positiveInteger},
        {"nonPositiveInteger", Type::nonPositiveInteger},
        {"negativeInteger", Type::negativeInteger},
        {"unsignedLong", Type::unsignedLong},
        {"unsignedInt", Type::unsignedInt},
        {"unsignedShort", Type::unsignedShort},
        {"unsignedByte", Type::unsignedByte},
        {"double", Type::double_},
        {"float", Type::float_},
        {"date", Type::date},
        {"dateTime", Type::dateTime},
        {"time", Type::time},
        {"QName", Type::QName},
        {"anyAtomicType", Type::anyAtomicType},
    };
    SequenceType st;
    st.kind = SequenceType::Kind::atomic;
    for (auto& [name, type] : types) {
        if (local == name) {
            st.atomic = type;
            return st;
        }
    }
    static const char* const left_out[] = {
        "duration", "dayTimeDuration", "yearMonthDuration", "gYear",    "gYearMonth", "gMonth", "gMonthDay",
        "gDay",     "hexBinary",       "base64Binary",      "NOTATION", "NMTOKENS",   "IDREFS", "ENTITIES"};
    for (const char* name : left_out)
        if (local == name) throw Error("HDXP0002", "type xs:" + local + " is not supported", offset);
    throw Error("XPST0051", "unknown atomic type xs:" + local, offset);
}

SequenceType TypeParser::parse_single_type() {
    const Token& t = next();
    if (t.kind != TokenKind::name || t.prefix == "*" || t.local == "*") fail("type name expected", t.offset);
    std::string uri = t.prefix.empty() ? std::string(k_xs_uri) : resolve_prefix(t.prefix, t.offset);
    if (uri != k_xs_uri) throw Error("XPST0051", "unknown type " + t.text, t.offset);
    SequenceType st = atomic_type_named(t.local, t.offset);
    if (st.atomic == Type::anyAtomicType) throw Error("XPST0080", "cannot cast to xs:anyAtomicType", t.offset);
    if (accept_symbol("?")) st.occurrence = SequenceType::Occurrence::optional;
    return st;
}

SequenceType TypeParser::parse_sequence_type() {
    SequenceType st;
    const Token& t = peek();
    if (t.kind == TokenKind::name && t.prefix.empty() && t.local == "empty-sequence" && is_symbol_at(1, "(")) {
        next();
        next();
        expect_symbol(")");
        st.kind = SequenceType::Kind::empty;
        return st;
    }
    if (t.kind == TokenKind::name && t.prefix.empty() && t.local == "item" && is_symbol_at(1, "(")) {
        next();
        next();
        expect_symbol(")");
        st.kind = SequenceType::Kind::item;
    } else if (t.kind == TokenKind::name && t.prefix.empty() && is_symbol_at(1, "(")) {
        st.kind = SequenceType::Kind::node;
        st.node = parse_kind_test();
    } else {
        if (t.kind != TokenKind::name) fail("sequence type expected");
        next();
        std::string uri = t.prefix.empty() ? std::string(k_xs_uri) : resolve_prefix(t.prefix, t.offset);
        if (uri != k_xs_uri) throw Error("XPST0051", "unknown type " + t.text, t.offset);
        st = atomic_type_named(t.local, t.offset);
    }
    if (accept_symbol("?"))
        st.occurrence = SequenceType::Occurrence::optional;
    else if (accept_symbol("*"))
        st.occurrence = SequenceType::Occurrence::zero_or_more;
    else if (accept_symbol("+"))
        st.occurrence = SequenceType::Occurrence::one_or_more;
    return st;
}

} // namespace healthdoc::xpath
