#include "src/executor/fake_executor.h"

namespace mybuild::executor {

StatusOr<ExecResult> FakeExecutor::Run(const ExecSpec& spec, OutputSink& out, CancelToken& cancel) {
  if (cancel.IsCancelled()) return Cancelled("RUN cancelled before it started");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    runs_.push_back(spec);
  }
  if (!handler_) return ExecResult{};
  return handler_(spec, out);
}

std::vector<ExecSpec> FakeExecutor::runs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return runs_;
}

}  // namespace mybuild::executor
