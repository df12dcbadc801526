// The value sets built into healthdoc (generated data, see scripts/generate-builtin-value-sets),
// so that header rules check codes with no ANS pack installed.
#pragma once

#include <cstddef>
#include <span>

namespace healthdoc::cda::builtin {

struct Concept {
    const char* code;
    const char* code_system;
    const char* display_name;
};

struct ValueSetData {
    const char* oid;
    const char* name;
    const char* updated; // the JDV's dateMaj
    const Concept* concepts;
    std::size_t size;
};

std::span<const ValueSetData> value_sets();

} // namespace healthdoc::cda::builtin
