// Internal: UTF-8 <-> code points, for the string functions that count characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace healthdoc::xpath {

std::u32string decode_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t c);
std::size_t codepoint_count(std::string_view text);

} // namespace healthdoc::xpath
