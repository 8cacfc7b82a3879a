// Deadline: when a wait on an engine gives up. Every wait of the QMP client
// and the engine drivers takes one, so a hung engine becomes a timeout, never
// a hang of the harness.
#pragma once

#include <chrono>

namespace dioh {

using Deadline = std::chrono::steady_clock::time_point;
inline Deadline DeadlineIn(std::chrono::milliseconds ms) { return std::chrono::steady_clock::now() + ms; }

}  // namespace dioh
