// Byte sizes as docker writes them on its command line and in RUN --mount options (units.RAMInBytes):
// "100" (bytes), "512k", "64m", "1g", "64 MiB", "1.5g"; binary multiples (k = 1024), case-insensitive,
// an optional "b" / "ib" after the unit.
#ifndef MYBUILD_BASE_BYTE_SIZE_H_
#define MYBUILD_BASE_BYTE_SIZE_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace mybuild {

// The number of bytes, or nullopt when `text` is not a size (or is over 2^63).
std::optional<uint64_t> ParseRamBytes(std::string_view text);

}  // namespace mybuild

#endif  // MYBUILD_BASE_BYTE_SIZE_H_
