#include "src/base/cancel_token.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <utility>

namespace mybuild {

CancelToken::Registration::~Registration() {
  if (token_ != nullptr) token_->Unregister(id_);
}

CancelToken::Registration::Registration(Registration&& other) noexcept
    : token_(std::exchange(other.token_, nullptr)), id_(other.id_) {}

CancelToken::Registration& CancelToken::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    if (token_ != nullptr) token_->Unregister(id_);
    token_ = std::exchange(other.token_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

CancelToken::CancelToken() : event_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

void CancelToken::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  if (event_.valid()) {
    uint64_t one = 1;
    // The counter is never read, so the fd stays readable for every later waiter.
    [[maybe_unused]] ssize_t written = write(event_.get(), &one, sizeof one);
  }
  for (auto& [id, callback] : callbacks_) callback();
}

CancelToken::Registration CancelToken::OnCancel(std::function<void()> callback) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (IsCancelled()) {
    lock.unlock();
    callback();
    return Registration();
  }
  uint64_t id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  return Registration(this, id);
}

void CancelToken::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  callbacks_.erase(id);
}

}  // namespace mybuild
