#include "src/engine/output_capture.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "src/engine/pty_pair.h"

namespace mybuild::engine {

StatusOr<std::unique_ptr<OutputCapture>> OutputCapture::Create(bool tty, LogWriter log) {
  std::unique_ptr<OutputCapture> capture(new OutputCapture(std::move(log)));
  capture->tty_ = tty;
  if (tty) {
    MB_ASSIGN_OR_RETURN(PtyPair pty, OpenPtyPair());
    capture->container_in_ = std::move(pty.slave);
    capture->out_ = std::move(pty.master);
    return capture;
  }
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  capture->out_ = UniqueFd(out[0]);
  capture->container_out_ = UniqueFd(out[1]);
  if (pipe2(err, O_CLOEXEC) < 0) return ErrnoError("pipe2");
  capture->err_ = UniqueFd(err[0]);
  capture->container_err_ = UniqueFd(err[1]);
  return capture;
}

std::unique_ptr<OutputCapture> OutputCapture::Adopt(UniqueFd out, UniqueFd err, LogWriter log) {
  std::unique_ptr<OutputCapture> capture(new OutputCapture(std::move(log)));
  capture->out_ = std::move(out);
  capture->err_ = std::move(err);
  return capture;
}

StatusOr<OutputCapture::ReadEnds> OutputCapture::Release() {
  MB_RETURN_IF_ERROR(log_.Flush(LogStream::kStdout));
  MB_RETURN_IF_ERROR(log_.Flush(LogStream::kStderr));
  return ReadEnds{std::move(out_), std::move(err_)};
}

executor::AttachedStdio OutputCapture::container_side() const {
  executor::AttachedStdio stdio;
  if (tty_) {
    stdio.stdin_fd = stdio.stdout_fd = stdio.stderr_fd = container_in_.get();
    stdio.terminal = true;
  } else {
    stdio.stdout_fd = container_out_.get();
    stdio.stderr_fd = container_err_.get();
  }
  return stdio;
}

void OutputCapture::CloseContainerSide() {
  container_in_.Reset();
  container_out_.Reset();
  container_err_.Reset();
}

void OutputCapture::AddPollFds(std::vector<pollfd>& fds) {
  out_index_ = err_index_ = -1;
  if (out_.valid()) {
    fds.push_back({out_.get(), POLLIN, 0});
    out_index_ = static_cast<int>(fds.size() - 1);
  }
  if (err_.valid()) {
    fds.push_back({err_.get(), POLLIN, 0});
    err_index_ = static_cast<int>(fds.size() - 1);
  }
}

Status OutputCapture::Read(UniqueFd& fd, LogStream stream) {
  char buffer[16384];
  ssize_t n;
  do {
    n = read(fd.get(), buffer, sizeof buffer);
  } while (n < 0 && errno == EINTR);
  // EIO: a terminal whose every slave descriptor is closed, its end.
  if (n < 0 && errno != EIO) return ErrnoError("read (container output)");
  if (n <= 0) {
    fd.Reset();
    return log_.Flush(stream);
  }
  return log_.Write(stream, std::string_view(buffer, static_cast<size_t>(n)));
}

Status OutputCapture::Handle(const std::vector<pollfd>& fds) {
  if (out_index_ >= 0 && fds[static_cast<size_t>(out_index_)].revents != 0) {
    MB_RETURN_IF_ERROR(Read(out_, LogStream::kStdout));
  }
  if (err_index_ >= 0 && fds[static_cast<size_t>(err_index_)].revents != 0) {
    MB_RETURN_IF_ERROR(Read(err_, LogStream::kStderr));
  }
  return Status::Ok();
}

}  // namespace mybuild::engine
