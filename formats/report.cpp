#include "formats/report.hpp"

namespace healthdoc::formats {

RunTotals totals(const RunReport& run) {
    RunTotals t;
    t.documents = run.documents.size();
    t.fatals += run.run_diagnostics.count(Severity::fatal);
    t.errors += run.run_diagnostics.count(Severity::error);
    t.warnings += run.run_diagnostics.count(Severity::warning);
    t.informations += run.run_diagnostics.count(Severity::information);
    for (const auto& doc : run.documents) {
        t.fatals += doc.diagnostics.count(Severity::fatal);
        t.errors += doc.diagnostics.count(Severity::error);
        t.warnings += doc.diagnostics.count(Severity::warning);
        t.informations += doc.diagnostics.count(Severity::information);
        if (doc.unreadable) ++t.unreadable;
    }
    return t;
}

} // namespace healthdoc::formats
