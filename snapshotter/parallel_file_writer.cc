#include "snapshotter/parallel_file_writer.h"

#include <unistd.h>

#include <cerrno>

#include "fmt/format.h"

namespace mybuild::snapshotter {

Status FinishRegularFile(int fd, uint64_t size, const Ownership& owner, mode_t mode, const Timestamp& mtime) {
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return ErrnoError("ftruncate");
  if (::fchown(fd, owner.uid, owner.gid) != 0) return ErrnoError("fchown");
  if (::fchmod(fd, mode) != 0) return ErrnoError("fchmod");
  struct timespec times[2] = {{mtime.seconds, static_cast<long>(mtime.nanoseconds)},
                              {mtime.seconds, static_cast<long>(mtime.nanoseconds)}};
  if (::futimens(fd, times) != 0) return ErrnoError("futimens");
  return Status::Ok();
}

ParallelFileWriter::ParallelFileWriter(const RootFs& root, size_t threads, uint64_t max_bytes_in_flight,
                                       std::function<void(const struct stat&)> written)
    : root_(root), max_bytes_in_flight_(max_bytes_in_flight), written_(std::move(written)) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

ParallelFileWriter::~ParallelFileWriter() {
  Wait().IgnoreError();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

Status ParallelFileWriter::Add(File file) {
  queued_.insert(file.path);
  std::unique_lock<std::mutex> lock(mutex_);
  // One file larger than the bound still goes, alone.
  progress_.wait(lock, [&] {
    return !failure_.ok() || bytes_in_flight_ == 0 || bytes_in_flight_ + file.content.size() <= max_bytes_in_flight_;
  });
  if (!failure_.ok()) return failure_;
  bytes_in_flight_ += file.content.size();
  pending_.push_back(std::move(file));
  lock.unlock();
  work_ready_.notify_one();
  return Status::Ok();
}

Status ParallelFileWriter::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  progress_.wait(lock, [&] { return pending_.empty() && busy_ == 0; });
  queued_.clear();
  Status failure = failure_;
  failure_ = Status::Ok();
  return failure;
}

void ParallelFileWriter::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, nothing left
    File file = std::move(pending_.front());
    pending_.pop_front();
    ++busy_;
    // After a failure the remaining files are dropped: the layer fails as a whole.
    const bool skip = !failure_.ok();
    lock.unlock();
    Status status = skip ? Status::Ok() : Write(file);
    lock.lock();
    if (!status.ok() && failure_.ok()) failure_ = status;
    bytes_in_flight_ -= file.content.size();
    --busy_;
    progress_.notify_all();
  }
}

Status ParallelFileWriter::Write(const File& file) {
  auto entry_error = [&](const Status& status) {
    return Status(status.code(), fmt::format("layer entry \"{}\": {}", file.entry_name, status.message()));
  };
  StatusOr<UniqueFd> fd = root_.WriteFile(file.path, -1, file.mode, file.owner);
  if (!fd.ok()) return entry_error(fd.status());
  const char* data = file.content.data();
  size_t left = file.content.size();
  off_t at = 0;
  while (left > 0) {
    ssize_t n = ::pwrite(fd->get(), data, left, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return entry_error(ErrnoError("write"));
    data += n;
    left -= static_cast<size_t>(n);
    at += n;
  }
  Status finished = FinishRegularFile(fd->get(), file.content.size(), file.owner, file.mode, file.mtime);
  if (!finished.ok()) return entry_error(finished);
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return entry_error(ErrnoError("fstat"));
  if (written_) {
    std::lock_guard<std::mutex> lock(mutex_);
    written_(st);
  }
  return Status::Ok();
}

}  // namespace mybuild::snapshotter
