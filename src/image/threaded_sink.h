// Internal to src/image: a ByteSink that hands chunks to a worker thread which writes them to the
// downstream sink, so that compression (downstream) overlaps with producing the tar (upstream).
// Memory is bounded: at most kMaxQueued chunks of kChunkBytes wait at any time. Bytes reach downstream in
// order, so the output is identical to writing directly.
#ifndef MYBUILD_IMAGE_THREADED_SINK_H_
#define MYBUILD_IMAGE_THREADED_SINK_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "src/image/compression.h"

namespace mybuild::image {

class ThreadedSink : public ByteSink {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;
  static constexpr size_t kMaxQueued = 4;

  // `downstream` is not owned; Close() closes it (on the worker) after the last chunk.
  explicit ThreadedSink(ByteSink* downstream);
  ~ThreadedSink() override;  // abandons queued data and joins the worker if Close() was not called
  ThreadedSink(const ThreadedSink&) = delete;
  ThreadedSink& operator=(const ThreadedSink&) = delete;

  // Returns the worker's first error, if any, on the next call after it happened.
  Status Write(std::string_view bytes) override;
  Status Close() override;

 private:
  Status Push(std::string chunk);
  void Run();

  ByteSink* downstream_;
  std::string pending_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  bool finishing_ = false;  // no more chunks will come
  bool abandoned_ = false;  // stop without writing the rest
  bool closed_ = false;
  Status error_;  // the worker's first error
  std::thread worker_;
};

}  // namespace mybuild::image

#endif  // MYBUILD_IMAGE_THREADED_SINK_H_
