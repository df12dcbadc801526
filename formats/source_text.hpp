// The bytes of one input and the name the user gave it. Reading is the only I/O here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace healthdoc::formats {

// Largest input read by default: bigger files are refused before they are read whole.
inline constexpr std::size_t k_default_max_input_bytes = std::size_t{512} * 1024 * 1024;

class SourceText {
public:
    SourceText() = default;
    SourceText(std::string name, std::string bytes) : m_name(std::move(name)), m_bytes(std::move(bytes)) {}

    // Reads a whole file; throws InputError (naming the file and the reason) when it cannot be
    // read, is a directory, or is larger than `max_bytes`.
    static SourceText from_file(const std::string& path, std::size_t max_bytes = k_default_max_input_bytes);
    // Reads standard input to its end; named "-". Throws InputError past `max_bytes`.
    static SourceText from_stdin(std::size_t max_bytes = k_default_max_input_bytes);

    const std::string& name() const noexcept { return m_name; }
    std::string_view bytes() const noexcept { return m_bytes; }
    std::size_t size() const noexcept { return m_bytes.size(); }

private:
    std::string m_name;
    std::string m_bytes;
};

} // namespace healthdoc::formats
