// Placeholder until detection lands.
#include "formats/detect.hpp"

namespace healthdoc::formats {

std::string_view to_string(Format) { return "unknown"; }
Detection detect_format(const SourceText&) { return {}; }
std::string_view media_type(Format) { return "application/octet-stream"; }

} // namespace healthdoc::formats
