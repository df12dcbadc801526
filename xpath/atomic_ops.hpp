// Internal: operations on atomic values: casts, comparisons, arithmetic (XPath 2.0 and F&O rules).
#pragma once

#include "xpath/ast.hpp"

#include <optional>

namespace healthdoc::xpath {

// Casts per the casting table; throws FORG0001 (invalid value), XPTY0004 (impossible cast),
// FOCA0002 (bad lexical QName), FOAR0002/FOCA0003 (out of range).
Atomic cast(const Atomic& value, Type target, const StaticContext* namespaces = nullptr);
bool castable(const Atomic& value, Type target, const StaticContext* namespaces = nullptr);

// Value comparison (eq, lt...): untypedAtomic compares as xs:string. XPTY0004 when the types
// cannot be compared. NaN compares false (true for ne).
bool value_compare(const Atomic& a, const Atomic& b, Compare op);
// General comparison of one pair, with the untypedAtomic promotion rules of XPath 2.0 3.5.2.
bool general_compare_pair(const Atomic& a, const Atomic& b, Compare op);
// Ordering for min/max/distinct-values/deep-equal: nullopt when incomparable, NaN unordered.
std::optional<int> compare_atomics(const Atomic& a, const Atomic& b);

// + - * div idiv mod on numerics (untyped operands cast to xs:double).
Atomic arithmetic(Op op, const Atomic& a, const Atomic& b);
Atomic negate(const Atomic& a);

// Numeric value as a double (integer, decimal, float, double).
double to_double(const Atomic& a);
// xs:double from any atomic the way fn:number does (NaN when not a number).
double number_of(const Atomic& a);

} // namespace healthdoc::xpath
