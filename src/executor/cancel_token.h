// A cancellation flag shared by the steps of one build. Cancel() is thread-safe and idempotent; once
// cancelled, the token stays cancelled. Waiters poll fd(): it becomes readable on Cancel() and stays so.
#ifndef MYBUILD_EXECUTOR_CANCEL_TOKEN_H_
#define MYBUILD_EXECUTOR_CANCEL_TOKEN_H_

#include <atomic>

#include "src/base/unique_fd.h"

namespace mybuild::executor {

class CancelToken {
 public:
  CancelToken();  // if no eventfd can be made, fd() is -1 and waiters fall back to polling cancelled()
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void Cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  int fd() const { return event_.get(); }

 private:
  std::atomic<bool> cancelled_{false};
  UniqueFd event_;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_CANCEL_TOKEN_H_
