#include "cli/push_progress.hpp"

#include <cstdio>
#include <string>

namespace healthdoc::cli {

void ProgressBar::update(const push::PushProgress& progress) {
    if (!m_enabled) return;
    m_last = progress;
    auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last_draw < std::chrono::milliseconds(100) && progress.done < progress.total) return;
    m_last_draw = now;
    draw(progress);
    m_drawn = true;
}

void ProgressBar::finish() {
    if (!m_enabled || !m_drawn) return;
    draw(m_last);
    std::fputc('\n', stderr);
}

void ProgressBar::draw(const push::PushProgress& p) const {
    constexpr int width = 30;
    int filled = p.total ? static_cast<int>(width * p.done / p.total) : width;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
    double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0;
    std::fprintf(stderr, "\r[%s] %zu/%zu  %.1f doc/s  ETA %.0fs  %zu failed ", bar.c_str(), p.done, p.total, rate, eta,
                 p.failures);
    std::fflush(stderr);
}

} // namespace healthdoc::cli
