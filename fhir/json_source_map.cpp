// JsonSourceMap's position table: open addressing keyed by the address of a value.
#include "fhir/fhir_json.hpp"

namespace healthdoc::fhir {

std::size_t JsonSourceMap::slot_of(const nlohmann::json* value) const noexcept {
    // Fibonacci hashing: addresses of tree nodes share their low bits (alignment), the
    // multiplication spreads the others into the high bits kept by the shift.
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(value) * 0x9E3779B97F4A7C15ull) >> m_shift);
}

void JsonSourceMap::set_position(const nlohmann::json& value, TextPosition position) {
    if ((m_position_count + 1) * 2 > m_slots.size()) {
        std::vector<Slot> old = std::move(m_slots);
        const std::size_t size = old.empty() ? 64 : old.size() * 2;
        m_slots.assign(size, Slot{});
        m_shift = 64;
        for (std::size_t s = size; s > 1; s >>= 1) --m_shift;
        for (const auto& slot : old) {
            if (!slot.value) continue;
            std::size_t i = slot_of(slot.value);
            while (m_slots[i].value) i = (i + 1) & (size - 1);
            m_slots[i] = slot;
        }
    }
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = slot_of(&value);
    while (m_slots[i].value && m_slots[i].value != &value) i = (i + 1) & mask;
    if (!m_slots[i].value) ++m_position_count;
    m_slots[i] = Slot{&value, position};
}

std::optional<TextPosition> JsonSourceMap::position(const nlohmann::json& value) const {
    if (m_slots.empty()) return std::nullopt;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = slot_of(&value);; i = (i + 1) & mask) {
        if (m_slots[i].value == &value) return m_slots[i].position;
        if (!m_slots[i].value) return std::nullopt;
    }
}

} // namespace healthdoc::fhir
