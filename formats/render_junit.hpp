// The JUnit XML renderer, for CI servers (Jenkins, GitLab, GitHub test reporters).
#pragma once

#include "formats/render.hpp"

#include <ostream>

namespace healthdoc::formats {

// Writes `run` as <testsuites><testsuite name="healthdoc <command>" tests failures errors
// time> with one <testcase classname="healthdoc.<command>" name="<file>" time> per document:
// - a readable document gets one <failure message="<message>" type="<rule>"> per error or
//   fatal finding, the GNU-style line as its text (counted once in `failures`);
// - an unreadable document gets one <error> instead (counted in `errors`), its text all the
//   document's error lines;
// - warnings and informations go, one GNU-style line each, into <system-out>.
// Run-level findings become one more testcase named "healthdoc". Times have 3 decimals.
// Text is escaped by pugixml and sanitised (no control characters, valid UTF-8).
void render_junit(const RunReport& run, const RenderOptions& options, std::ostream& out);

} // namespace healthdoc::formats
