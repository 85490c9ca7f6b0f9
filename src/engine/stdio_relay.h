// A foreground container's stdio (docker run's attach), relayed between the caller's descriptors and
// the container's while it runs:
//   - without a terminal: stdout and stderr are two pipes, copied to the caller's 1 and 2 as they come
//     (the streams stay separate); with `interactive`, the caller's stdin is copied into a third pipe
//     (its end closes at the caller's EOF), else the container reads /dev/null;
//   - with `tty`: one pseudo-terminal, its slave the container's 0, 1 and 2 and its controlling
//     terminal; its master copied to the caller's stdout (and, with `interactive`, the caller's stdin
//     into it). When the caller's stdin is a terminal and `interactive`, that terminal is in raw mode
//     until the relay is destroyed (keys such as ^C reach the container's terminal), and the window
//     size is passed on at the start and on every ResizeTerminal() (SIGWINCH).
// The container never gets one of the caller's own descriptors (a terminal of the caller's would let it
// inject input with TIOCSTI). Writes into the container never block the relay: input waits in a buffer
// while the container does not read it.
#ifndef MYBUILD_ENGINE_STDIO_RELAY_H_
#define MYBUILD_ENGINE_STDIO_RELAY_H_

#include <poll.h>
#include <termios.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/base/unique_fd.h"
#include "src/executor/attached_sandbox.h"

namespace mybuild::engine {

struct StdioOptions {
  bool interactive = false;
  bool tty = false;
  int caller_in = 0;
  int caller_out = 1;
  int caller_err = 2;
};

class StdioRelay {
 public:
  static StatusOr<std::unique_ptr<StdioRelay>> Create(const StdioOptions& options);
  ~StdioRelay();
  StdioRelay(const StdioRelay&) = delete;
  StdioRelay& operator=(const StdioRelay&) = delete;

  // The container's ends, for AttachedSandbox::Start(); CloseContainerSide() once it has started.
  executor::AttachedStdio container_side() const;
  void CloseContainerSide();

  // Appends the descriptors to poll now to `fds`; Handle() then reads and writes what is ready.
  void AddPollFds(std::vector<pollfd>& fds);
  Status Handle(const std::vector<pollfd>& fds);
  // The container's output is at its end (every process holding it is gone).
  bool output_done() const;

  // Copies the caller terminal's window size to the container's terminal (no-op without one).
  void ResizeTerminal();

 private:
  explicit StdioRelay(const StdioOptions& options) : options_(options) {}
  Status ReadOutput(UniqueFd& from, int to, bool& broken);
  Status ReadInput();
  Status FlushInput();

  StdioOptions options_;
  // Container side (handed to the sandbox).
  UniqueFd container_in_, container_out_, container_err_;
  // Our side.
  UniqueFd out_read_, err_read_;  // pipes' read ends, or the pty master in out_read_ (tty)
  UniqueFd in_write_;             // the pipe's write end, or a duplicate of the pty master (tty)
  bool caller_in_open_ = false;
  bool out_broken_ = false, err_broken_ = false;  // the caller closed its end: output is dropped
  std::string pending_input_;
  std::optional<termios> saved_terminal_;
  int in_index_ = -1, out_index_ = -1, err_index_ = -1, in_write_index_ = -1;
};

}  // namespace mybuild::engine

#endif  // MYBUILD_ENGINE_STDIO_RELAY_H_
