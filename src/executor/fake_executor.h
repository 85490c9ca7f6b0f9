// An Executor for tests of other modules: records every spec and answers with a scripted handler
// (by default: exit 0, no output). Never touches the system.
#ifndef MYBUILD_EXECUTOR_FAKE_EXECUTOR_H_
#define MYBUILD_EXECUTOR_FAKE_EXECUTOR_H_

#include <functional>
#include <mutex>
#include <vector>

#include "src/executor/executor.h"

namespace mybuild::executor {

class FakeExecutor : public Executor {
 public:
  using Handler = std::function<StatusOr<ExecResult>(const ExecSpec&, OutputSink&)>;

  FakeExecutor() = default;
  explicit FakeExecutor(Handler handler) : handler_(std::move(handler)) {}

  // Thread-safe. Returns kCancelled when the token is already cancelled (and records nothing).
  StatusOr<ExecResult> Run(const ExecSpec& spec, OutputSink& out, CancelToken& cancel) override;

  std::vector<ExecSpec> runs() const;

 private:
  Handler handler_;
  mutable std::mutex mutex_;
  std::vector<ExecSpec> runs_;
};

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_FAKE_EXECUTOR_H_
