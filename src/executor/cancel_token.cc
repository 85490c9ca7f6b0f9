#include "src/executor/cancel_token.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace mybuild::executor {

CancelToken::CancelToken() : event_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void CancelToken::Cancel() {
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  if (!event_.valid()) return;
  uint64_t one = 1;
  // The counter is never read, so the fd stays readable for every later waiter.
  [[maybe_unused]] ssize_t written = write(event_.get(), &one, sizeof one);
}

}  // namespace mybuild::executor
