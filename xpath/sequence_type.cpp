// SequenceType matching: occurrence, then each item against the item type. Nodes of untyped
// documents are instances of element()/attribute() tests by name only; their atomized values
// are xs:untypedAtomic.
#include "xpath/sequence_type.hpp"

#include "xpath/evaluator.hpp"

namespace healthdoc::xpath {

bool matches_sequence_type(const Sequence& value, const SequenceType& type, IndexLookup& index) {
    using Occurrence = SequenceType::Occurrence;
    if (type.kind == SequenceType::Kind::empty) return value.empty();
    if (value.empty()) return type.occurrence == Occurrence::optional || type.occurrence == Occurrence::zero_or_more;
    if (value.size() > 1 && (type.occurrence == Occurrence::one || type.occurrence == Occurrence::optional))
        return false;
    for (const auto& item : value) {
        switch (type.kind) {
        case SequenceType::Kind::item: break;
        case SequenceType::Kind::atomic:
            if (item.is_node() || !derives_from(item.atomic().type(), type.atomic)) return false;
            break;
        case SequenceType::Kind::node: {
            if (!item.is_node()) return false;
            Axis axis = type.node.kind == NodeTest::Kind::attribute ? Axis::attribute : Axis::child;
            if (!matches_test(type.node, item.node(), axis, index)) return false;
            break;
        }
        case SequenceType::Kind::empty: return false;
        }
    }
    return true;
}

} // namespace healthdoc::xpath
