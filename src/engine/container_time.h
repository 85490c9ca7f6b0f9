// Times in containers' records and logs: RFC 3339 in UTC with nanoseconds, as docker writes them
// ("2026-12-07T12:00:00.123456789Z"), and back.
#ifndef MYBUILD_ENGINE_CONTAINER_TIME_H_
#define MYBUILD_ENGINE_CONTAINER_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mybuild::engine {

// Nanoseconds since the epoch (CLOCK_REALTIME).
int64_t NowNanos();
std::string FormatTimeNanos(int64_t nanos);
// "YYYY-MM-DDTHH:MM:SS[.fraction]Z"; nullopt for anything else (an empty string included).
std::optional<int64_t> ParseTimeNanos(std::string_view text);

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_CONTAINER_TIME_H_
