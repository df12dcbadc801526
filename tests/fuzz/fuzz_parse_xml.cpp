// libFuzzer target: any bytes through detection, the XML reader and the JSON reader must end
// in a document or diagnostics, never a crash, a hang or a leak.
#include "formats/detect.hpp"
#include "formats/json_document.hpp"
#include "formats/xml_document.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace healthdoc::formats;
    SourceText source("fuzz", std::string(reinterpret_cast<const char*>(data), size));
    (void)detect_format(source);
    Diagnostics diagnostics;
    XmlLimits limits;
    limits.max_depth = 64;
    if (auto document = parse_xml(source, diagnostics, limits); document && document->root())
        (void)document->location_of(document->root().last_child());
    (void)parse_json(source, diagnostics, {size + 1, 64});
    return 0;
}
