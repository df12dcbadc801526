// Internal: matching a value against a SequenceType (instance of, treat as).
#pragma once

#include "xpath/ast.hpp"
#include "xpath/nodes.hpp"

namespace healthdoc::xpath {

bool matches_sequence_type(const Sequence& value, const SequenceType& type, IndexLookup& index);

} // namespace healthdoc::xpath
