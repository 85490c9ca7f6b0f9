// `--progress=auto|tty|plain|quiet|rawjson` → a ProgressSink. "auto" is tty on a terminal, else plain.
#ifndef MYBUILD_SOLVER_PROGRESS_MODE_H_
#define MYBUILD_SOLVER_PROGRESS_MODE_H_

#include <memory>
#include <ostream>
#include <string_view>

#include "src/base/status.h"
#include "src/solver/progress.h"

namespace mybuild::solver {

// `out` must outlive the sink. `terminal_width` is used by tty (0 = 100 columns).
StatusOr<std::unique_ptr<ProgressSink>> MakeProgressSink(std::string_view mode, std::ostream& out,
                                                        bool out_is_terminal, size_t terminal_width = 0);

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_PROGRESS_MODE_H_
