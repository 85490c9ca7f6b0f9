#include "src/image/parallel_gzip.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mybuild::image {
namespace {

constexpr size_t kDictionaryBytes = 32 * 1024;

struct Job {
  std::string input;
  std::string dictionary;  // the last 32 KiB of the input before this chunk
  size_t input_size = 0;
  bool last = false;
  // Results (written by the compressing thread before `done`).
  std::string output;
  uint32_t crc = 0;
  Status status;
  bool done = false;
};

// Deflates one chunk as a raw deflate fragment (see the header for the exact settings).
void CompressChunk(Job& job, int level) {
  job.crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(job.input.data()), static_cast<uInt>(job.input.size())));
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    job.status = Internal("deflateInit2 failed");
    return;
  }
  if (!job.dictionary.empty() &&
      deflateSetDictionary(&stream, reinterpret_cast<const Bytef*>(job.dictionary.data()),
                           static_cast<uInt>(job.dictionary.size())) != Z_OK) {
    deflateEnd(&stream);
    job.status = Internal("deflateSetDictionary failed");
    return;
  }
  job.output.resize(deflateBound(&stream, job.input.size()) + 64);
  stream.next_in = reinterpret_cast<Bytef*>(job.input.data());
  stream.avail_in = static_cast<uInt>(job.input.size());
  size_t produced = 0;
  const int flush = job.last ? Z_FINISH : Z_SYNC_FLUSH;
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(job.output.data() + produced);
    stream.avail_out = static_cast<uInt>(job.output.size() - produced);
    int rc = deflate(&stream, flush);
    produced = job.output.size() - stream.avail_out;
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&stream);
      job.status = Internal("deflate failed");
      return;
    }
    bool finished = job.last ? rc == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out != 0);
    if (finished) break;
    job.output.resize(job.output.size() * 2 + 64);
  }
  deflateEnd(&stream);
  job.output.resize(produced);
  job.output.shrink_to_fit();  // deflateBound() is far above what compressible input needs
  job.input.clear();
  job.input.shrink_to_fit();
  job.dictionary.clear();
}

void PutLittleEndian32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

class ParallelGzipCompressor : public ByteSink {
 public:
  ParallelGzipCompressor(int level, int threads, ByteSink* downstream)
      : level_(level), downstream_(downstream), max_in_flight_(threads <= 1 ? 1 : threads + 1) {
    for (int i = 0; i < threads && threads > 1; ++i) workers_.emplace_back([this] { Work(); });
    current_.reserve(kGzipChunkBytes);
  }
  ~ParallelGzipCompressor() override { StopWorkers(); }
  ParallelGzipCompressor(const ParallelGzipCompressor&) = delete;
  ParallelGzipCompressor& operator=(const ParallelGzipCompressor&) = delete;

  Status Write(std::string_view bytes) override {
    if (closed_) return FailedPrecondition("gzip compressor: write after close");
    MB_RETURN_IF_ERROR(error_);
    if (!header_written_) MB_RETURN_IF_ERROR(WriteHeader());
    while (!bytes.empty()) {
      size_t take = std::min(bytes.size(), kGzipChunkBytes - current_.size());
      current_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (current_.size() == kGzipChunkBytes) MB_RETURN_IF_ERROR(Submit(false));
    }
    return Status::Ok();
  }

  Status Close() override {
    if (closed_) return FailedPrecondition("gzip compressor: closed twice");
    MB_RETURN_IF_ERROR(error_);
    if (!header_written_) MB_RETURN_IF_ERROR(WriteHeader());
    MB_RETURN_IF_ERROR(Submit(true));
    MB_RETURN_IF_ERROR(Drain(0));
    closed_ = true;
    StopWorkers();
    std::string trailer;
    PutLittleEndian32(trailer, crc_);
    PutLittleEndian32(trailer, static_cast<uint32_t>(total_ & 0xffffffffu));
    MB_RETURN_IF_ERROR(downstream_->Write(trailer));
    return downstream_->Close();
  }

 private:
  Status WriteHeader() {
    header_written_ = true;
    char xfl = level_ == 9 ? 2 : (level_ == 1 ? 4 : 0);
    const char header[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, xfl, 3};
    return Record(downstream_->Write(std::string_view(header, sizeof(header))));
  }

  Status Record(Status status) {
    if (!status.ok() && error_.ok()) error_ = status;
    return status;
  }

  // Hands the current chunk to a worker (or compresses it here) and writes finished chunks downstream.
  Status Submit(bool last) {
    auto job = std::make_unique<Job>();
    job->last = last;
    job->dictionary = dictionary_;
    size_t keep = std::min(current_.size(), kDictionaryBytes);
    if (keep == kDictionaryBytes) {
      dictionary_.assign(current_, current_.size() - keep, keep);
    } else {
      // A short chunk (only the last one): the dictionary would never be used again.
      dictionary_.clear();
    }
    total_ += current_.size();
    job->input_size = current_.size();
    job->input = std::move(current_);
    current_ = std::string();
    if (!last) current_.reserve(kGzipChunkBytes);
    if (workers_.empty()) {
      CompressChunk(*job, level_);
      job->done = true;
      in_order_.push_back(std::move(job));
      return Drain(0);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      in_order_.push_back(std::move(job));
      todo_.push_back(in_order_.back().get());
    }
    work_ready_.notify_one();
    return Drain(max_in_flight_ - 1);
  }

  // Writes finished chunks in order until at most `allowed` remain in flight (waiting for workers).
  Status Drain(size_t allowed) {
    for (;;) {
      std::unique_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (in_order_.empty()) return Status::Ok();
        if (!in_order_.front()->done) {
          if (in_order_.size() <= allowed) return Status::Ok();
          job_done_.wait(lock, [&] { return in_order_.front()->done; });
        }
        job = std::move(in_order_.front());
        in_order_.pop_front();
      }
      MB_RETURN_IF_ERROR(Record(job->status));
      crc_ = static_cast<uint32_t>(crc32_combine(crc_, job->crc, static_cast<z_off_t>(job->input_size)));
      MB_RETURN_IF_ERROR(Record(downstream_->Write(job->output)));
    }
  }

  void Work() {
    for (;;) {
      Job* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_ready_.wait(lock, [&] { return stopping_ || !todo_.empty(); });
        if (todo_.empty()) return;  // stopping
        job = todo_.front();
        todo_.pop_front();
      }
      CompressChunk(*job, level_);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        job->done = true;
      }
      job_done_.notify_all();
    }
  }

  void StopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      todo_.clear();  // abandoned work (an error or no Close) is dropped
    }
    work_ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
  }

  const int level_;
  ByteSink* downstream_;
  const size_t max_in_flight_;
  std::string current_;
  std::string dictionary_;
  uint64_t total_ = 0;
  uint32_t crc_ = 0;
  bool header_written_ = false;
  bool closed_ = false;
  Status error_;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable job_done_;
  std::deque<std::unique_ptr<Job>> in_order_;  // submitted, not yet written downstream
  std::deque<Job*> todo_;                      // submitted, not yet picked up by a worker
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace

StatusOr<std::unique_ptr<ByteSink>> MakeParallelGzipCompressor(int level, int threads, ByteSink* downstream) {
  if (level < 1 || level > 9) return InvalidArgument("gzip level " + std::to_string(level) + ": expected 1..9");
  return std::unique_ptr<ByteSink>(std::make_unique<ParallelGzipCompressor>(level, threads, downstream));
}

int DefaultGzipThreads() {
  unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores, 1u, 4u));
}

}  // namespace mybuild::image
