#include "src/cli/compose_follow.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "src/cli/interrupts.h"
#include "src/compose/service_run.h"
#include "src/engine/container_logs.h"

namespace mybuild::cli {
namespace {

// One thread per container copies its log to stdout; a line is written whole under the mutex.
class LogPrinter {
 public:
  LogPrinter(ComposeRuntime& runtime, const std::vector<engine::ContainerRecord>& records) : runtime_(runtime), records_(records) {
    for (const engine::ContainerRecord& record : records) width_ = std::max(width_, LogPrefix(record).size());
    colour_ = isatty(1) != 0;
    done_ = std::make_unique<std::atomic<bool>[]>(records.size());
  }

  void Start(bool follow) {
    for (size_t i = 0; i < records_.size(); ++i) {
      done_[i] = false;
      threads_.emplace_back([this, i, follow] {
        const engine::ContainerRecord& record = records_[i];
        std::string prefix = LogPrefix(record);
        prefix.resize(width_, ' ');
        if (colour_) prefix = "\033[" + std::to_string(31 + i % 6) + "m" + prefix + "  |\033[0m ";
        else prefix += "  | ";
        Status read = engine::ReadContainerLogs(runtime_.containers, record.id, std::nullopt, follow,
                                                [&](const engine::LogEntry& entry) {
                                                  std::string line = prefix + entry.text;
                                                  if (line.empty() || line.back() != '\n') line += '\n';
                                                  std::lock_guard<std::mutex> hold(mutex_);
                                                  std::cout << line << std::flush;
                                                });
        if (!read.ok()) {
          std::lock_guard<std::mutex> hold(mutex_);
          std::cerr << "error: " << record.name << ": " << read.ToString() << "\n";
        }
        done_[i] = true;
      });
    }
  }
  bool Done(size_t i) const { return done_[i]; }
  void Join() {
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }
  std::mutex& mutex() { return mutex_; }

 private:
  ComposeRuntime& runtime_;
  const std::vector<engine::ContainerRecord>& records_;
  size_t width_ = 0;
  bool colour_ = false;
  std::unique_ptr<std::atomic<bool>[]> done_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
};

void StopAll(ComposeRuntime& runtime, const std::vector<engine::ContainerRecord>& records, std::mutex& output) {
  std::vector<std::thread> threads;
  for (const engine::ContainerRecord& record : records) {
    threads.emplace_back([&runtime, &record, &output] {
      Status stopped = runtime.control->Stop(record.id, std::nullopt);
      std::lock_guard<std::mutex> hold(output);
      if (stopped.ok()) {
        std::cerr << " Container " << record.name << "  Stopped\n";
      } else {
        std::cerr << "error: " << stopped.ToString() << "\n";
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace

std::string LogPrefix(const engine::ContainerRecord& record) {
  auto service = record.labels.find(compose::kServiceLabel);
  auto number = record.labels.find(compose::kNumberLabel);
  if (service == record.labels.end() || number == record.labels.end()) return record.name;
  return service->second + "-" + number->second;
}

Status PrintProjectLogs(ComposeRuntime& runtime, const std::vector<engine::ContainerRecord>& records, bool follow) {
  LogPrinter printer(runtime, records);
  printer.Start(follow);
  printer.Join();
  return Status::Ok();
}

int FollowProject(ComposeRuntime& runtime, const std::string& project, const std::vector<std::string>& services,
                  const FollowOptions& options, const std::atomic<int>& signalled) {
  StatusOr<std::vector<engine::ContainerRecord>> all = runtime.ProjectContainers(project);
  if (!all.ok()) {
    std::cerr << "error: " << all.status().ToString() << "\n";
    return 1;
  }
  const std::set<std::string> wanted(services.begin(), services.end());
  std::vector<engine::ContainerRecord> records;
  for (const engine::ContainerRecord& record : *all) {
    if (wanted.count(LabelOf(record, compose::kServiceLabel)) != 0) records.push_back(record);
  }
  const bool abort = options.abort_on_container_exit || !options.exit_code_from.empty();
  LogPrinter printer(runtime, records);
  int exit_code = 0;
  {
    printer.Start(true);
    std::optional<size_t> first_exited;
    bool stopping = false;
    for (;;) {
      size_t done = 0;
      for (size_t i = 0; i < records.size(); ++i) {
        if (!printer.Done(i)) continue;
        ++done;
        if (!first_exited) first_exited = i;
      }
      if (done == records.size()) break;
      if (!stopping && (signalled != 0 || (abort && first_exited))) {
        stopping = true;
        {
          std::lock_guard<std::mutex> hold(printer.mutex());
          std::cerr << (signalled != 0 ? "Gracefully stopping... (press Ctrl+C again to force)\n"
                                       : "Aborting on container exit...\n");
        }
        std::thread([&runtime, &records, &printer] { StopAll(runtime, records, printer.mutex()); }).join();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    printer.Join();
    if (signalled != 0) exit_code = 128 + signalled;
    if (abort && signalled == 0) {
      for (size_t i = 0; i < records.size(); ++i) {
        const bool chosen = options.exit_code_from.empty() ? first_exited && *first_exited == i
                                                           : LabelOf(records[i], compose::kServiceLabel) == options.exit_code_from;
        if (!chosen) continue;
        StatusOr<int> code = runtime.control->Wait(records[i].id);
        exit_code = code.ok() ? *code : 1;
        break;
      }
    }
  }
  return exit_code;
}

}  // namespace mybuild::cli
