#include "src/image/threaded_sink.h"

namespace mybuild::image {

ThreadedSink::ThreadedSink(ByteSink* downstream) : downstream_(downstream) {
  pending_.reserve(kChunkBytes);
  worker_ = std::thread([this] { Run(); });
}

ThreadedSink::~ThreadedSink() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!finishing_) abandoned_ = true;
    finishing_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ThreadedSink::Run() {
  for (;;) {
    std::string chunk;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || finishing_; });
      if (abandoned_ || !error_.ok()) return;
      if (queue_.empty()) break;  // finishing and drained
      chunk = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();
    Status status = downstream_->Write(chunk);
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = status;
      changed_.notify_all();
      return;
    }
  }
  Status status = downstream_->Close();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!status.ok() && error_.ok()) error_ = status;
}

Status ThreadedSink::Push(std::string chunk) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueued || !error_.ok(); });
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(chunk));
  lock.unlock();
  changed_.notify_all();
  return Status::Ok();
}

Status ThreadedSink::Write(std::string_view bytes) {
  if (closed_) return FailedPrecondition("write after close");
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), kChunkBytes - pending_.size());
    pending_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (pending_.size() == kChunkBytes) {
      std::string full;
      full.reserve(kChunkBytes);
      full.swap(pending_);
      MB_RETURN_IF_ERROR(Push(std::move(full)));
    }
  }
  return Status::Ok();
}

Status ThreadedSink::Close() {
  if (closed_) return FailedPrecondition("closed twice");
  closed_ = true;
  Status status = Status::Ok();
  if (!pending_.empty()) status = Push(std::move(pending_));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
  }
  changed_.notify_all();
  worker_.join();
  if (!status.ok()) return status;
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

}  // namespace mybuild::image
