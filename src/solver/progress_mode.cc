#include "src/solver/progress_mode.h"

#include <string>

#include "src/solver/json_progress.h"
#include "src/solver/plain_progress.h"
#include "src/solver/tty_progress.h"

namespace mybuild::solver {

StatusOr<std::unique_ptr<ProgressSink>> MakeProgressSink(std::string_view mode, std::ostream& out,
                                                        bool out_is_terminal, size_t terminal_width) {
  if (mode == "auto") mode = out_is_terminal ? "tty" : "plain";
  if (mode == "tty") {
    TtyProgressOptions options;
    if (terminal_width > 0) options.width = terminal_width;
    return std::unique_ptr<ProgressSink>(std::make_unique<TtyProgress>(out, options));
  }
  if (mode == "plain") return std::unique_ptr<ProgressSink>(std::make_unique<PlainProgress>(out));
  if (mode == "rawjson") return std::unique_ptr<ProgressSink>(std::make_unique<JsonProgress>(out));
  if (mode == "quiet") return std::unique_ptr<ProgressSink>(std::make_unique<QuietProgress>());
  return InvalidArgument("--progress: expected auto, tty, plain, quiet or rawjson, got \"" + std::string(mode) +
                         "\"");
}

}  // namespace mybuild::solver
