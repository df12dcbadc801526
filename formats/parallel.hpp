// A minimal parallel for-each over indices, keeping results in input order.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace healthdoc::formats {

// Calls `work(i)` for every i in [0, count) on up to `jobs` threads (0 = hardware threads).
// Items are handed out one at a time, so slow documents do not stall a whole chunk.
// The first exception thrown by `work` is rethrown after all threads stop.
inline void parallel_for(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& work) {
    if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, count));
    if (jobs <= 1) {
        for (std::size_t i = 0; i < count; ++i) work(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < count;) {
            try {
                work(i);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = count;
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
}

} // namespace healthdoc::formats
