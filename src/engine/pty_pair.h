// A new pseudo-terminal: its master (for the side that relays or logs) and its slave (the container's
// terminal), both close-on-exec, neither the caller's controlling terminal.
#ifndef MYBUILD_ENGINE_PTY_PAIR_H_
#define MYBUILD_ENGINE_PTY_PAIR_H_

#include "src/base/status.h"
#include "src/base/unique_fd.h"

namespace mybuild::engine {

struct PtyPair {
  UniqueFd master;
  UniqueFd slave;
};
StatusOr<PtyPair> OpenPtyPair();

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_PTY_PAIR_H_
