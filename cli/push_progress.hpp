// The progress bar push draws on a terminal: done/total, rate, ETA and failures, redrawn in
// place on standard error at most ten times a second.
#pragma once

#include "push/push_run.hpp"

#include <chrono>

namespace healthdoc::cli {

class ProgressBar {
public:
    explicit ProgressBar(bool enabled) : m_enabled(enabled) {}
    void update(const push::PushProgress& progress);
    // Draws the last state and ends the line.
    void finish();

private:
    void draw(const push::PushProgress& progress) const;
    bool m_enabled;
    bool m_drawn = false;
    push::PushProgress m_last;
    std::chrono::steady_clock::time_point m_last_draw{};
};

} // namespace healthdoc::cli
