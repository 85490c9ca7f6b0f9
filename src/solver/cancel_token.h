// A cancellation flag shared by the solver and the steps it runs. Thread-safe.
// Runners either poll IsCancelled() or register a callback (e.g. one that kills their child process).
#ifndef MYBUILD_SOLVER_CANCEL_TOKEN_H_
#define MYBUILD_SOLVER_CANCEL_TOKEN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace mybuild::solver {

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

  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  bool IsCancelled() const { return cancelled_.load(std::memory_order_acquire); }

  // Sets the flag (once) and runs every registered callback on the calling thread. Idempotent.
  void Cancel();

  // Runs `callback` on Cancel(), or right away when already cancelled. Callbacks must be quick and must
  // not register or unregister callbacks themselves. The token must outlive the registration.
  [[nodiscard]] Registration OnCancel(std::function<void()> callback);

 private:
  void Unregister(uint64_t id);

  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;  // guards callbacks_ and next_id_; held while callbacks run
  std::map<uint64_t, std::function<void()>> callbacks_;
  uint64_t next_id_ = 1;
};

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_CANCEL_TOKEN_H_
