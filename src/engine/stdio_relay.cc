#include "src/engine/stdio_relay.h"

#include "src/engine/pty_pair.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace mybuild::engine {
namespace {

constexpr size_t kChunk = 64 * 1024;

struct Pipe {
  UniqueFd read, write;
};

StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Status SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return ErrnoError("fcntl(O_NONBLOCK)");
  return Status::Ok();
}

// Writes everything, waiting when the caller's descriptor is non-blocking and full. False when the
// reader is gone (EPIPE) or the descriptor fails otherwise: the caller's output is then dropped.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd wait{fd, POLLOUT, 0};
      poll(&wait, 1, 1000);
      continue;
    }
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<StdioRelay>> StdioRelay::Create(const StdioOptions& options) {
  std::unique_ptr<StdioRelay> relay(new StdioRelay(options));
  if (options.tty) {
    MB_ASSIGN_OR_RETURN(PtyPair pty, OpenPtyPair());
    UniqueFd master = std::move(pty.master);
    relay->container_in_ = std::move(pty.slave);
    MB_RETURN_IF_ERROR(SetNonBlocking(master.get()));
    if (options.interactive) {
      relay->in_write_ = UniqueFd(fcntl(master.get(), F_DUPFD_CLOEXEC, 3));
      if (!relay->in_write_.valid()) return ErrnoError("fcntl(F_DUPFD_CLOEXEC)");
      relay->caller_in_open_ = true;
      termios mode;
      if (isatty(options.caller_in) && tcgetattr(options.caller_in, &mode) == 0) {
        relay->saved_terminal_ = mode;
        cfmakeraw(&mode);
        if (tcsetattr(options.caller_in, TCSANOW, &mode) < 0) return ErrnoError("tcsetattr(raw)");
      }
    }
    relay->out_read_ = std::move(master);
    relay->ResizeTerminal();
    return relay;
  }
  MB_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  MB_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  relay->out_read_ = std::move(out.read);
  relay->container_out_ = std::move(out.write);
  relay->err_read_ = std::move(err.read);
  relay->container_err_ = std::move(err.write);
  if (options.interactive) {
    MB_ASSIGN_OR_RETURN(Pipe in, MakePipe());
    MB_RETURN_IF_ERROR(SetNonBlocking(in.write.get()));
    relay->container_in_ = std::move(in.read);
    relay->in_write_ = std::move(in.write);
    relay->caller_in_open_ = true;
  }
  return relay;
}

StdioRelay::~StdioRelay() {
  if (saved_terminal_) tcsetattr(options_.caller_in, TCSANOW, &*saved_terminal_);
}

executor::AttachedStdio StdioRelay::container_side() const {
  executor::AttachedStdio stdio;
  if (options_.tty) {
    stdio.stdin_fd = stdio.stdout_fd = stdio.stderr_fd = container_in_.get();
    stdio.terminal = true;
    return stdio;
  }
  stdio.stdin_fd = container_in_.valid() ? container_in_.get() : -1;
  stdio.stdout_fd = container_out_.get();
  stdio.stderr_fd = container_err_.get();
  return stdio;
}

void StdioRelay::CloseContainerSide() {
  container_in_.Reset();
  container_out_.Reset();
  container_err_.Reset();
}

void StdioRelay::ResizeTerminal() {
  if (!options_.tty || !out_read_.valid()) return;
  winsize size{};
  if (ioctl(options_.caller_out, TIOCGWINSZ, &size) < 0 && ioctl(options_.caller_in, TIOCGWINSZ, &size) < 0) return;
  ioctl(out_read_.get(), TIOCSWINSZ, &size);
}

void StdioRelay::AddPollFds(std::vector<pollfd>& fds) {
  in_index_ = out_index_ = err_index_ = in_write_index_ = -1;
  auto add = [&](int fd, short events) {
    fds.push_back(pollfd{fd, events, 0});
    return static_cast<int>(fds.size() - 1);
  };
  if (out_read_.valid()) out_index_ = add(out_read_.get(), POLLIN);
  if (err_read_.valid()) err_index_ = add(err_read_.get(), POLLIN);
  if (caller_in_open_ && pending_input_.empty()) in_index_ = add(options_.caller_in, POLLIN);
  if (!pending_input_.empty() && in_write_.valid()) in_write_index_ = add(in_write_.get(), POLLOUT);
}

Status StdioRelay::Handle(const std::vector<pollfd>& fds) {
  auto ready = [&](int index) { return index >= 0 && fds[static_cast<size_t>(index)].revents != 0; };
  if (ready(out_index_)) MB_RETURN_IF_ERROR(ReadOutput(out_read_, options_.caller_out, out_broken_));
  if (ready(err_index_)) MB_RETURN_IF_ERROR(ReadOutput(err_read_, options_.caller_err, err_broken_));
  if (ready(in_index_)) MB_RETURN_IF_ERROR(ReadInput());
  if (ready(in_write_index_)) MB_RETURN_IF_ERROR(FlushInput());
  return Status::Ok();
}

bool StdioRelay::output_done() const { return !out_read_.valid() && !err_read_.valid(); }

Status StdioRelay::ReadOutput(UniqueFd& from, int to, bool& broken) {
  char buffer[kChunk];
  ssize_t n = read(from.get(), buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Status::Ok();
  if (n < 0 && errno == EIO && options_.tty) n = 0;  // every slave descriptor is closed
  if (n < 0) return ErrnoError("read(container output)");
  if (n == 0) {
    from.Reset();
    return Status::Ok();
  }
  if (!broken && !WriteAll(to, buffer, static_cast<size_t>(n))) broken = true;
  return Status::Ok();
}

Status StdioRelay::ReadInput() {
  char buffer[kChunk];
  ssize_t n = read(options_.caller_in, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return Status::Ok();
  if (n <= 0) {
    caller_in_open_ = false;  // EOF (or an unreadable stdin, which ends the same way)
  } else {
    pending_input_.append(buffer, static_cast<size_t>(n));
  }
  return FlushInput();
}

Status StdioRelay::FlushInput() {
  while (!pending_input_.empty() && in_write_.valid()) {
    ssize_t n = write(in_write_.get(), pending_input_.data(), pending_input_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return Status::Ok();
    if (n < 0) {  // the container closed its stdin (EPIPE) or its terminal is gone
      pending_input_.clear();
      caller_in_open_ = false;
      in_write_.Reset();
      return Status::Ok();
    }
    pending_input_.erase(0, static_cast<size_t>(n));
  }
  // The caller's EOF becomes the container's (a terminal has no EOF to pass on: it stays open).
  if (!caller_in_open_ && pending_input_.empty() && !options_.tty) in_write_.Reset();
  return Status::Ok();
}

}  // namespace mybuild::engine
