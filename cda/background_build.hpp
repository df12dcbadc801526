// Something a validation layer builds on a background thread (a schema, a schematron stack),
// started only when a run may need it: a run over FHIR JSON alone never compiles the CDA schema.
// start() launches the build once; ready() and get() start it when nobody has.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>

namespace healthdoc::cda {

template <typename T> class BackgroundBuild {
public:
    explicit BackgroundBuild(std::function<T()> build) : m_build(std::move(build)) {}

    void start() const {
        std::call_once(m_once, [this] {
            m_result = std::async(std::launch::async, m_build).share();
            m_started = true;
        });
    }
    bool started() const { return m_started; }
    bool ready() const {
        start();
        return m_result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    }
    // The result, building it first when needed; rethrows what the build threw.
    const T& get() const {
        start();
        return m_result.get();
    }

private:
    std::function<T()> m_build;
    mutable std::once_flag m_once;
    mutable std::atomic<bool> m_started{false};
    mutable std::shared_future<T> m_result;
};

} // namespace healthdoc::cda
