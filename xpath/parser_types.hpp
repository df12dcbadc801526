// Internal: the token cursor shared by the expression parser, and the parts of the grammar
// that describe types and node tests (NodeTest, KindTest, SequenceType, SingleType).
#pragma once

#include "xpath/ast.hpp"
#include "xpath/lexer.hpp"

#include <map>
#include <string>
#include <vector>

namespace healthdoc::xpath {

class TypeParser {
protected:
    TypeParser(std::vector<Token> tokens, const StaticContext& context);

    const StaticContext& context() const { return m_context; }
    const Token& peek(std::size_t ahead = 0) const;
    const Token& next();
    bool is_symbol(const char* text) const { return is_symbol_at(0, text); }
    bool is_symbol_at(std::size_t ahead, const char* text) const;
    bool accept_symbol(const char* text);
    void expect_symbol(const char* text);
    // An unprefixed name used as a keyword (and, div, return...).
    bool is_keyword(const char* word) const { return is_keyword_at(0, word); }
    bool is_keyword_at(std::size_t ahead, const char* word) const;
    void expect_keyword(const char* word);
    [[noreturn]] void fail(const std::string& message) const;
    [[noreturn]] void fail(const std::string& message, std::size_t offset) const;

    // XPST0081 when the prefix is not bound.
    std::string resolve_prefix(const std::string& prefix, std::size_t offset) const;
    // NameTest or KindTest; `axis` decides the namespace of unprefixed names (elements take the
    // default element namespace, attributes none).
    NodeTest parse_node_test(Axis axis);
    SequenceType parse_sequence_type();
    // AtomicType "?"? (cast as, castable as)
    SequenceType parse_single_type();
    // xs:local -> atomic SequenceType; XPST0051 for unknown types, XPST0080 for abstract ones.
    SequenceType atomic_type_named(const std::string& local, std::size_t offset) const;

private:
    NodeTest parse_kind_test();
    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    const StaticContext& m_context;
    std::map<std::string, std::string> m_namespaces;
};

} // namespace healthdoc::xpath
