#include "src/solver/progress.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "src/solver/json_progress.h"
#include "src/solver/plain_progress.h"
#include "src/solver/progress_mode.h"
#include "src/solver/tty_progress.h"

namespace mybuild::solver {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1767323045));  // 2026-01-02T03:04:05Z

ProgressEvent Event(const std::string& digest_text, const std::string& name, StepState state) {
  ProgressEvent event;
  event.digest = Digest::Of(digest_text);
  event.name = name;
  event.state = state;
  event.time = kT0;
  return event;
}

// FROM (cached), RUN make (runs, prints, finishes), RUN test (fails).
std::vector<ProgressEvent> Script() {
  std::vector<ProgressEvent> events;
  events.push_back(Event("from", "[1/3] FROM alpine", StepState::kWaiting));
  events.push_back(Event("make", "[2/3] RUN make", StepState::kWaiting));
  events.push_back(Event("test", "[3/3] RUN test", StepState::kWaiting));
  ProgressEvent cached = Event("from", "[1/3] FROM alpine", StepState::kCached);
  cached.started = cached.completed = kT0;
  events.push_back(cached);
  ProgressEvent running = Event("make", "[2/3] RUN make", StepState::kRunning);
  running.started = kT0;
  events.push_back(running);
  ProgressEvent log = running;
  log.time = kT0 + milliseconds(412);
  log.logs = {"cc -c main.c", "cc -o app main.o"};
  events.push_back(log);
  ProgressEvent done = Event("make", "[2/3] RUN make", StepState::kDone);
  done.started = kT0;
  done.completed = kT0 + milliseconds(1250);
  events.push_back(done);
  ProgressEvent test = Event("test", "[3/3] RUN test", StepState::kRunning);
  test.started = kT0 + milliseconds(1300);
  events.push_back(test);
  ProgressEvent error = Event("test", "[3/3] RUN test", StepState::kError);
  error.started = kT0 + milliseconds(1300);
  error.completed = kT0 + milliseconds(1500);
  error.error = "process \"test\" exited with code 1";
  events.push_back(error);
  return events;
}

SolveSummary ScriptSummary() {
  SolveSummary summary;
  summary.total = 3;
  summary.ran = 1;
  summary.cached = 1;
  summary.failed = 1;
  summary.elapsed = milliseconds(1500);
  return summary;
}

TEST_CASE("summary and durations") {
  SolveSummary summary;
  summary.total = 5;
  summary.ran = 3;
  summary.cached = 2;
  CHECK(FormatSummary(summary) == "5 steps: 3 ran, 2 cached");
  summary.failed = 1;
  summary.skipped = 2;
  CHECK(FormatSummary(summary) == "5 steps: 3 ran, 2 cached, 1 failed, 2 skipped");
  CHECK(FormatDuration(milliseconds(0)) == "0.0s");
  CHECK(FormatDuration(milliseconds(1250)) == "1.2s");
  CHECK(FormatDuration(milliseconds(59'990)) == "59.9s");
  CHECK(FormatDuration(milliseconds(123'000)) == "2m03s");
}

TEST_CASE("plain progress prints one line per event with step numbers") {
  std::ostringstream out;
  PlainProgress plain(out);
  for (const ProgressEvent& event : Script()) plain.OnEvent(event);
  plain.OnFinish(ScriptSummary());
  CHECK(out.str() ==
        "#1 [1/3] FROM alpine\n"
        "#1 CACHED\n"
        "#2 [2/3] RUN make\n"
        "#2 0.412 cc -c main.c\n"
        "#2 0.412 cc -o app main.o\n"
        "#2 DONE 1.2s\n"
        "#3 [3/3] RUN test\n"
        "#3 ERROR: process \"test\" exited with code 1\n"
        "3 steps: 1 ran, 1 cached, 1 failed in 1.5s\n");
}

TEST_CASE("plain progress names a step that fails before it runs") {
  std::ostringstream out;
  PlainProgress plain(out);
  plain.OnEvent(Event("copy", "[2/2] COPY missing /", StepState::kWaiting));
  ProgressEvent error = Event("copy", "[2/2] COPY missing /", StepState::kError);
  error.error = "missing: not found";
  plain.OnEvent(error);
  CHECK(out.str() == "#1 [2/2] COPY missing /\n#1 ERROR: missing: not found\n");
}

TEST_CASE("rawjson progress prints one object per line") {
  std::ostringstream out;
  JsonProgress json(out);
  for (const ProgressEvent& event : Script()) json.OnEvent(event);
  json.OnFinish(ScriptSummary());
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> objects;
  for (std::string line; std::getline(lines, line);) objects.push_back(nlohmann::json::parse(line));
  REQUIRE(objects.size() == 10);
  const nlohmann::json& cached = objects[3];
  CHECK(cached["digest"] == Digest::Of("from").ToString());
  CHECK(cached["name"] == "[1/3] FROM alpine");
  CHECK(cached["state"] == "cached");
  CHECK(cached["cached"] == true);
  CHECK(cached["started"] == "2026-01-02T03:04:05.000Z");
  const nlohmann::json& log = objects[5];
  CHECK(log["state"] == "running");
  CHECK(log["completed"].is_null());
  CHECK(log["logs"] == nlohmann::json::array({"cc -c main.c", "cc -o app main.o"}));
  CHECK(objects[6]["completed"] == "2026-01-02T03:04:06.250Z");
  CHECK(objects[8]["error"] == "process \"test\" exited with code 1");
  CHECK(objects[9]["summary"]["total"] == 3);
  CHECK(objects[9]["summary"]["cached"] == 1);
}

TEST_CASE("rawjson survives output that is not UTF-8") {
  std::ostringstream out;
  JsonProgress json(out);
  ProgressEvent event = Event("x", "RUN x", StepState::kRunning);
  event.logs = {std::string("bad \xff byte")};
  json.OnEvent(event);
  CHECK(nlohmann::json::parse(out.str())["logs"][0] == "bad \xef\xbf\xbd byte");
}

TEST_CASE("tty progress draws a frame per state") {
  std::ostringstream out;
  TimePoint now = kT0;
  TtyProgress tty(out, {.refresh = milliseconds(0), .tail_lines = 2, .max_steps = 30, .width = 40},
                  [&] { return now; });
  std::vector<ProgressEvent> script = Script();
  for (size_t i = 0; i < 6; ++i) tty.OnEvent(script[i]);  // up to make's output
  now = kT0 + milliseconds(800);
  CHECK(tty.Frame(now) == std::vector<std::string>{
                              "[+] Building 0.8s (1/3)",
                              " => CACHED [1/3] FROM alpine        0.0s",
                              " => [2/3] RUN make                  0.8s",
                              " => => # cc -c main.c",
                              " => => # cc -o app main.o",
                          });
  for (size_t i = 6; i < script.size(); ++i) tty.OnEvent(script[i]);
  now = kT0 + milliseconds(1600);
  CHECK(tty.Frame(now) == std::vector<std::string>{
                              "[+] Building 1.6s (3/3)",
                              " => CACHED [1/3] FROM alpine        0.0s",
                              " => [2/3] RUN make                  1.2s",
                              " => ERROR [3/3] RUN test            0.2s",
                              " => => # ERROR: process \"test\" exited wi",
                          });
  tty.Redraw();
  tty.Redraw();
  tty.OnFinish(ScriptSummary());
  const std::string text = out.str();
  // The second frame moves the cursor up over the first (5 lines), the last ends with the summary.
  CHECK(text.find("\x1b[5A\r") != std::string::npos);
  CHECK(text.find("(3/3) FINISHED") != std::string::npos);
  CHECK(text.ends_with("\x1b[J3 steps: 1 ran, 1 cached, 1 failed\n"));
}

TEST_CASE("tty progress neutralises control characters in output") {
  std::ostringstream out;
  TtyProgress tty(out, {.refresh = milliseconds(0)}, [] { return kT0; });
  ProgressEvent running = Event("x", "RUN x", StepState::kRunning);
  running.started = kT0;
  tty.OnEvent(running);
  ProgressEvent log = running;
  log.logs = {"10%\r50%\r100% done", "evil \x1b[2J clear"};
  tty.OnEvent(log);
  std::vector<std::string> frame = tty.Frame(kT0);
  REQUIRE(frame.size() == 4);
  CHECK(frame[2] == " => => # 100% done");
  CHECK(frame[3] == " => => # evil  [2J clear");
}

TEST_CASE("tty progress refreshes from its own thread") {
  std::ostringstream out;
  {
    TtyProgress tty(out, {.refresh = milliseconds(10)});
    tty.OnEvent(Event("x", "RUN x", StepState::kWaiting));
    tty.OnFinish(SolveSummary{});
  }
  CHECK(out.str().find("[+] Building") != std::string::npos);
}

TEST_CASE("step log splits lines") {
  struct Collect : ProgressSink {
    std::vector<ProgressEvent> events;
    void OnEvent(const ProgressEvent& event) override { events.push_back(event); }
  } sink;
  StepLog log(sink, Digest::Of("x"), "RUN x", kT0);
  log.Write("one\ntwo\n");
  log.Write("");
  log.Write("three");
  REQUIRE(sink.events.size() == 2);
  CHECK(sink.events[0].logs == std::vector<std::string>{"one", "two"});
  CHECK(sink.events[0].state == StepState::kRunning);
  CHECK(sink.events[0].started == kT0);
  CHECK(sink.events[1].logs == std::vector<std::string>{"three"});
}

TEST_CASE("progress modes") {
  std::ostringstream out;
  CHECK(dynamic_cast<PlainProgress*>(MakeProgressSink("auto", out, false)->get()) != nullptr);
  CHECK(dynamic_cast<TtyProgress*>(MakeProgressSink("auto", out, true)->get()) != nullptr);
  CHECK(dynamic_cast<JsonProgress*>(MakeProgressSink("rawjson", out, true)->get()) != nullptr);
  CHECK(dynamic_cast<QuietProgress*>(MakeProgressSink("quiet", out, true)->get()) != nullptr);
  StatusOr<std::unique_ptr<ProgressSink>> bad = MakeProgressSink("fancy", out, true);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mybuild::solver
