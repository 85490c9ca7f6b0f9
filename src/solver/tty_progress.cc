#include "src/solver/tty_progress.h"

#include <algorithm>
#include <cstdio>

namespace mybuild::solver {
namespace {

// Keeps what follows the last carriage return and turns other control characters into spaces.
std::string Neutralise(std::string_view line) {
  const size_t cr = line.rfind('\r');
  if (cr != std::string_view::npos) line.remove_prefix(cr + 1);
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(byte < 0x20 || byte == 0x7f ? ' ' : c);
  }
  return out;
}

std::string Truncate(std::string text, size_t width) {
  if (text.size() > width) text.resize(width);
  return text;
}

}  // namespace

TtyProgress::TtyProgress(std::ostream& out, TtyProgressOptions options, std::function<TimePoint()> now)
    : options_(options), now_(std::move(now)), out_(out) {
  if (options_.refresh.count() > 0) {
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stop_) {
        wake_.wait_for(lock, options_.refresh);
        if (stop_) break;
        if (first_event_) RedrawLocked();
      }
    });
  }
}

TtyProgress::~TtyProgress() {
  StopThread();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!finished_ && first_event_) RedrawLocked();
}

void TtyProgress::StopThread() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TtyProgress::OnEvent(const ProgressEvent& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!first_event_) first_event_ = now_();
  auto [it, inserted] = steps_.try_emplace(event.digest);
  Step& step = it->second;
  if (inserted) {
    step.number = static_cast<int>(steps_.size());
    step.name = event.name;
  }
  if (event.started) step.started = event.started;
  if (event.completed) step.completed = event.completed;
  if (event.logs.empty() || event.state != StepState::kRunning) step.state = event.state;
  for (const std::string& line : event.logs) {
    step.tail.push_back(Neutralise(line));
    while (step.tail.size() > options_.tail_lines) step.tail.pop_front();
  }
  if (event.state == StepState::kError && !event.error.empty()) {
    step.tail.push_back(Neutralise("ERROR: " + event.error));
    while (step.tail.size() > options_.tail_lines) step.tail.pop_front();
  }
}

void TtyProgress::OnFinish(const SolveSummary& summary) {
  StopThread();
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  if (!first_event_) first_event_ = now_();
  RedrawLocked();
  out_ << FormatSummary(summary) << '\n';
  out_.flush();
}

std::vector<std::string> TtyProgress::Frame(TimePoint now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return FrameLocked(now);
}

std::vector<std::string> TtyProgress::FrameLocked(TimePoint now) const {
  std::vector<const Step*> shown;
  int finished = 0;
  for (const auto& [digest, step] : steps_) {
    const bool ended = step.state != StepState::kWaiting && step.state != StepState::kRunning;
    if (ended) ++finished;
    if (step.state != StepState::kWaiting) shown.push_back(&step);
  }
  std::sort(shown.begin(), shown.end(), [](const Step* a, const Step* b) { return a->number < b->number; });
  // Too many lines: drop the oldest finished steps (running and failed ones stay).
  for (size_t i = 0; shown.size() > options_.max_steps && i < shown.size();) {
    const StepState state = shown[i]->state;
    if (state == StepState::kDone || state == StepState::kCached || state == StepState::kCanceled) {
      shown.erase(shown.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }

  std::vector<std::string> lines;
  const TimePoint start = first_event_.value_or(now);
  lines.push_back("[+] Building " + FormatDuration(now - start) + " (" + std::to_string(finished) + "/" +
                  std::to_string(steps_.size()) + ")" + (finished_ ? " FINISHED" : ""));
  const size_t width = std::max<size_t>(options_.width, 20);
  for (const Step* step : shown) {
    std::string label = " => ";
    if (step->state == StepState::kCached) label += "CACHED ";
    if (step->state == StepState::kError) label += "ERROR ";
    if (step->state == StepState::kCanceled) label += "CANCELED ";
    label += step->name;
    std::string time;
    if (step->started) time = FormatDuration(step->completed.value_or(now) - *step->started);
    const size_t room = width > time.size() + 1 ? width - time.size() - 1 : 0;
    label = Truncate(Neutralise(label), room);
    label.append(room - label.size(), ' ');
    lines.push_back(label + " " + time);
    if (step->state == StepState::kRunning || step->state == StepState::kError) {
      for (const std::string& out : step->tail) lines.push_back(Truncate(" => => # " + out, width));
    }
  }
  return lines;
}

void TtyProgress::Redraw() {
  std::lock_guard<std::mutex> lock(mutex_);
  RedrawLocked();
}

void TtyProgress::RedrawLocked() {
  std::string text;
  if (lines_drawn_ > 0) text += "\x1b[" + std::to_string(lines_drawn_) + "A\r";
  const std::vector<std::string> lines = FrameLocked(now_());
  for (const std::string& line : lines) text += line + "\x1b[K\n";
  text += "\x1b[J";
  lines_drawn_ = lines.size();
  out_ << text;
  out_.flush();
}

}  // namespace mybuild::solver
