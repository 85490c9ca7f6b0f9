// A cancellation flag shared by one build: the solver, the steps it runs and the sandboxes those start.
// Thread-safe; Cancel() is idempotent and a cancelled token stays cancelled. Three ways to notice it:
//   - poll IsCancelled();
//   - poll(2) fd() for POLLIN: an eventfd that becomes readable on Cancel() and stays readable (its
//     counter is never read, so every waiter sees it). -1 if no eventfd could be made; then poll
//     IsCancelled() instead;
//   - OnCancel(callback), e.g. one that kills a child process.
#ifndef MYBUILD_BASE_CANCEL_TOKEN_H_
#define MYBUILD_BASE_CANCEL_TOKEN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

#include "src/base/unique_fd.h"

namespace mybuild {

class CancelToken {
 public:
  // Unregisters its callback on destruction; after the destructor returns the callback is not running
  // and will never run.
  class Registration {
   public:
    Registration() = default;
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    Registration(Registration&& other) noexcept;
    Registration& operator=(Registration&& other) noexcept;

   private:
    friend class CancelToken;
    Registration(CancelToken* token, uint64_t id) : token_(token), id_(id) {}
    CancelToken* token_ = nullptr;
    uint64_t id_ = 0;
  };

  CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  bool IsCancelled() const { return cancelled_.load(std::memory_order_acquire); }
  int fd() const { return event_.get(); }

  // Sets the flag (once), makes fd() readable and runs every registered callback on the calling thread.
  void Cancel();

  // Runs `callback` on Cancel(), or right away when already cancelled. Callbacks must be quick and must
  // not register or unregister callbacks themselves. The token must outlive the registration.
  [[nodiscard]] Registration OnCancel(std::function<void()> callback);

 private:
  void Unregister(uint64_t id);

  std::atomic<bool> cancelled_{false};
  UniqueFd event_;
  std::mutex mutex_;  // guards callbacks_ and next_id_; held while callbacks run
  std::map<uint64_t, std::function<void()>> callbacks_;
  uint64_t next_id_ = 1;
};

}  // namespace mybuild

#endif  // MYBUILD_BASE_CANCEL_TOKEN_H_
