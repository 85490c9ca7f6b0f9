// Instructions that change the image config (and WORKDIR): ENV, ARG, LABEL, USER, WORKDIR, VOLUME,
// EXPOSE, STOPSIGNAL, SHELL, CMD, ENTRYPOINT, HEALTHCHECK, MAINTAINER, ONBUILD.
//
// Which words are expanded follows the reference: ENV and LABEL keys and values, ARG defaults, USER,
// WORKDIR, VOLUME, EXPOSE (may split into several words) and STOPSIGNAL are; CMD, ENTRYPOINT, SHELL,
// HEALTHCHECK, MAINTAINER and ONBUILD are not. All words of one instruction see the variables as they
// were before it (ENV A=1 B=$A uses the previous A).
#include <algorithm>
#include <cctype>

#include "src/base/slash_path.h"
#include "src/frontend/go_quote.h"
#include "src/frontend/text_util.h"
#include "src/planner/go_duration.h"
#include "src/planner/port_spec.h"
#include "src/planner/stage_dispatch.h"

namespace mybuild::planner {
namespace {

using frontend::CommandForm;
using frontend::Instruction;

Status NoFlags(const Instruction& in) {
  InstructionFlags flags;
  return flags.Parse(in.flags);
}

Status ExactlyOne(const Instruction& in) {
  if (in.args.size() != 1) return InvalidArgument(UpperKeyword(in) + " requires exactly one argument");
  return Status::Ok();
}

// ENV and LABEL: (key, value, separator) triples, all expanded before any is applied.
StatusOr<std::vector<std::pair<std::string, std::string>>> ExpandPairs(const StageState& state,
                                                                       const Instruction& in) {
  const std::string name = UpperKeyword(in);
  if (in.args.empty()) return InvalidArgument(name + " requires at least one argument");
  if (in.args.size() % 3 != 0) return InvalidArgument("Bad input to " + name + ", too many arguments");
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < in.args.size(); i += 3) {
    if (in.args[i].empty()) return InvalidArgument(name + " names can not be blank");
    MB_ASSIGN_OR_RETURN(std::string key, ExpandWord(state, in.args[i]));
    MB_ASSIGN_OR_RETURN(std::string value, ExpandWord(state, in.args[i + 1]));
    pairs.emplace_back(std::move(key), std::move(value));
  }
  return pairs;
}

Status DispatchEnv(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(NoFlags(in));
  MB_ASSIGN_OR_RETURN(auto pairs, ExpandPairs(state, in));
  std::string message = "ENV";
  for (const auto& [key, value] : pairs) {
    message += " " + key + "=" + value;
    state.env.Set(key, value);
    SetConfigEnv(state.config, key, value);
  }
  AddHistory(state, message, true, false);
  return Status::Ok();
}

Status DispatchLabel(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(NoFlags(in));
  MB_ASSIGN_OR_RETURN(auto pairs, ExpandPairs(state, in));
  std::string message = "LABEL";
  for (const auto& [key, value] : pairs) {
    message += " " + key + "=" + value;
    state.config.labels[key] = value;
  }
  AddHistory(state, message, true, false);
  return Status::Ok();
}

// ARG name[=default] …: a --build-arg value wins; else the default, expanded; else the global ARG of
// the same name. The value is in scope for later words and RUN, never in the image config.
Status DispatchArg(StageState& state, const Instruction& in) {
  if (in.args.empty()) return InvalidArgument("ARG requires at least one argument");
  std::string message = "ARG";
  for (const std::string& word : in.args) {
    std::string key = word;
    std::optional<std::string> value;
    size_t eq = word.find('=');
    if (eq != std::string::npos) {
      key = word.substr(0, eq);
      value = word.substr(eq + 1);
      if (key.empty()) return InvalidArgument("ARG names can not be blank");
    }
    auto given = state.build_args->find(key);
    const bool has_value = given != state.build_args->end();
    if (!value && !has_value) {
      if (auto global = state.global_args->Get(key)) value = std::string(*global);
    } else if (has_value) {
      value = given->second;
    } else {
      MB_ASSIGN_OR_RETURN(value, ExpandWord(state, *value));
    }
    if (value) state.env.Set(key, *value);
    state.declared_names->insert(key);
    state.args.push_back(DeclaredArg{key, value});
    message += " " + key + (value ? "=" + *value : "");
  }
  AddHistory(state, message, true, false);
  return Status::Ok();
}

Status DispatchUser(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(ExactlyOne(in));
  MB_RETURN_IF_ERROR(NoFlags(in));
  MB_ASSIGN_OR_RETURN(std::string user, ExpandWord(state, in.args[0]));
  state.config.user = user;
  AddHistory(state, "USER " + user, true, false);
  return Status::Ok();
}

// WORKDIR: the image config and history keep the path as NormalizeWorkdir gives it; a layer creates its
// clean form unless the path is exactly "/" (as BuildKit: "//" makes a layer, which changes nothing).
Status DispatchWorkdir(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(ExactlyOne(in));
  MB_RETURN_IF_ERROR(NoFlags(in));
  MB_ASSIGN_OR_RETURN(std::string path, ExpandWord(state, in.args[0]));
  const std::string wd = NormalizeWorkdir(state.config.working_dir, path);
  state.config.working_dir = wd;
  const bool with_layer = wd != "/";
  int history = AddHistory(state, "WORKDIR " + wd, !with_layer, false);
  if (with_layer) {
    Step step;
    step.op = WorkdirStep{CleanSlashPath(wd), state.config.user};
    step.history_index = history;
    state.steps.push_back(std::move(step));
  }
  return Status::Ok();
}

Status DispatchVolume(StageState& state, const Instruction& in) {
  if (in.args.empty()) return InvalidArgument("VOLUME requires at least one argument");
  MB_RETURN_IF_ERROR(NoFlags(in));
  std::vector<std::string> volumes;
  for (const std::string& raw : in.args) {
    std::string v = raw;
    v.erase(0, v.find_first_not_of(" \t\r\n"));
    v.erase(v.find_last_not_of(" \t\r\n") + 1);
    if (v.empty()) return InvalidArgument("VOLUME specified can not be an empty string");
    MB_ASSIGN_OR_RETURN(std::string expanded, ExpandWord(state, v));
    if (expanded.empty()) return InvalidArgument("VOLUME specified can not be an empty string");
    volumes.push_back(expanded);
  }
  for (const std::string& v : volumes) state.config.volumes.insert(v);
  AddHistory(state, "VOLUME " + GoList(volumes), true, false);
  return Status::Ok();
}

Status DispatchExpose(StageState& state, const Instruction& in) {
  if (in.args.empty()) return InvalidArgument("EXPOSE requires at least one argument");
  MB_RETURN_IF_ERROR(NoFlags(in));
  std::vector<std::string> raw = in.args;
  std::sort(raw.begin(), raw.end());  // the reference sorts the words before expanding them
  std::vector<std::string> ports;
  for (const std::string& word : raw) {
    MB_ASSIGN_OR_RETURN(std::vector<std::string> words, state.expander->Words(word, state.env));
    for (const std::string& spec : words) {
      MB_ASSIGN_OR_RETURN(std::vector<std::string> normalised, ParsePortSpec(spec));
      ports.insert(ports.end(), normalised.begin(), normalised.end());
    }
  }
  for (const std::string& p : ports) state.config.exposed_ports.insert(p);
  AddHistory(state, "EXPOSE " + GoList(ports), true, false);
  return Status::Ok();
}

bool ValidSignal(const std::string& raw) {
  bool numeric = !raw.empty() && raw.size() < 10;
  for (char c : raw) numeric = numeric && std::isdigit(static_cast<unsigned char>(c));
  if (numeric) return std::stoi(raw) != 0;
  std::string name = frontend::AsciiUpper(raw);
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  static const char* const kNames[] = {
      "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
      "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
      "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX"};
  for (const char* k : kNames) {
    if (name == k) return true;
  }
  for (int i = 1; i <= 15; ++i) {
    if (name == "RTMIN+" + std::to_string(i) || name == "RTMAX-" + std::to_string(i)) return true;
  }
  return false;
}

Status DispatchStopSignal(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(ExactlyOne(in));
  MB_ASSIGN_OR_RETURN(std::string signal, ExpandWord(state, in.args[0]));
  if (!ValidSignal(signal)) {
    return InvalidArgument("Invalid signal: " + signal + " (expected a name such as SIGTERM or a number)");
  }
  state.config.stop_signal = signal;
  AddHistory(state, "STOPSIGNAL " + signal, true, false);
  return Status::Ok();
}

Status DispatchShell(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(NoFlags(in));
  if (in.args.empty() || (in.form == CommandForm::kJson && in.args.empty())) {
    return InvalidArgument("SHELL requires at least one argument");
  }
  if (in.form != CommandForm::kJson) {
    return InvalidArgument("SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]");
  }
  state.config.shell = in.args;
  AddHistory(state, "SHELL " + GoList(in.args), true, false);
  return Status::Ok();
}

std::vector<std::string> CommandArgs(const StageState& state, const Instruction& in) {
  if (in.form == CommandForm::kJson) return in.args;
  return WithShell(state.config, in.args);
}

Status DispatchCmd(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(NoFlags(in));
  std::vector<std::string> args = CommandArgs(state, in);
  state.config.cmd = args;
  state.config.args_escaped = true;  // BuildKit's dispatchCmd sets it on every platform
  state.cmd_set = true;
  AddHistory(state, "CMD " + frontend::GoQuoteList(args), true, false);
  return Status::Ok();
}

// ENTRYPOINT resets a CMD inherited from the base, but not one set earlier in this stage.
Status DispatchEntrypoint(StageState& state, const Instruction& in) {
  MB_RETURN_IF_ERROR(NoFlags(in));
  std::vector<std::string> args;
  if (in.form == CommandForm::kJson) {
    args = in.args;
    if (args.empty()) {
      state.config.entrypoint.reset();
    } else {
      state.config.entrypoint = args;
    }
  } else {
    args = WithShell(state.config, in.args);
    state.config.entrypoint = args;
  }
  if (!state.cmd_set) state.config.cmd.reset();
  AddHistory(state, "ENTRYPOINT " + frontend::GoQuoteList(args), true, false);
  return Status::Ok();
}

// HEALTHCHECK durations: Go durations, 0 = unset, otherwise at least 1ms.
StatusOr<int64_t> ParseInterval(const InstructionFlags& flags, const std::string& name) {
  const std::string& value = flags.Value(name);
  if (value.empty()) return int64_t{0};
  MB_ASSIGN_OR_RETURN(int64_t ns, ParseGoDuration(value));
  if (ns == 0) return int64_t{0};
  if (ns < 1000000) {
    return InvalidArgument("Interval \"" + name + "\" cannot be less than 1ms (got " + value + ")");
  }
  return ns;
}

std::string HealthcheckHistory(const Healthcheck& h) {
  return "HEALTHCHECK {Test:" + GoList(h.test) + " Interval:" + FormatGoDuration(h.interval_ns) +
         " Timeout:" + FormatGoDuration(h.timeout_ns) + " StartPeriod:" + FormatGoDuration(h.start_period_ns) +
         " StartInterval:" + FormatGoDuration(h.start_interval_ns) + " Retries:" + std::to_string(h.retries) + "}";
}

Status DispatchHealthcheck(StageState& state, const Instruction& in) {
  if (in.args.empty()) return InvalidArgument("HEALTHCHECK requires at least one argument");
  std::string type = frontend::AsciiUpper(in.args[0]);
  std::vector<std::string> rest(in.args.begin() + 1, in.args.end());
  Healthcheck health;
  if (type == "NONE") {
    if (!rest.empty()) return InvalidArgument("HEALTHCHECK NONE takes no arguments");
    health.test = {"NONE"};
  } else {
    InstructionFlags flags;
    flags.AddString("interval");
    flags.AddString("timeout");
    flags.AddString("start-period");
    flags.AddString("start-interval");
    flags.AddString("retries");
    MB_RETURN_IF_ERROR(flags.Parse(in.flags));
    if (type != "CMD") {
      return InvalidArgument("Unknown type \"" + type + "\" in HEALTHCHECK (try CMD)");
    }
    if (rest.empty() || (in.form != CommandForm::kJson && rest.size() == 1 && rest[0].empty())) {
      return InvalidArgument("Missing command after HEALTHCHECK CMD");
    }
    health.test.push_back(in.form == CommandForm::kJson ? "CMD" : "CMD-SHELL");
    health.test.insert(health.test.end(), rest.begin(), rest.end());
    MB_ASSIGN_OR_RETURN(health.interval_ns, ParseInterval(flags, "interval"));
    MB_ASSIGN_OR_RETURN(health.timeout_ns, ParseInterval(flags, "timeout"));
    MB_ASSIGN_OR_RETURN(health.start_period_ns, ParseInterval(flags, "start-period"));
    MB_ASSIGN_OR_RETURN(health.start_interval_ns, ParseInterval(flags, "start-interval"));
    const std::string& retries = flags.Value("retries");
    if (!retries.empty()) {
      std::string digits = retries[0] == '-' || retries[0] == '+' ? retries.substr(1) : retries;
      bool ok = !digits.empty() && digits.size() <= 10 &&
                std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); });
      long long value = ok ? std::stoll(digits) * (retries[0] == '-' ? -1 : 1) : 0;
      if (!ok || value > 2147483647LL || value < -2147483648LL) {
        return InvalidArgument("strconv.ParseInt: parsing \"" + retries +
                               "\": invalid syntax (--retries expects a whole number)");
      }
      if (value < 0) return InvalidArgument("--retries cannot be negative (" + std::to_string(value) + ")");
      health.retries = static_cast<int>(value);
    }
  }
  state.config.healthcheck = health;
  AddHistory(state, HealthcheckHistory(health), true, false);
  return Status::Ok();
}

Status DispatchMaintainer(StageState& state, const Instruction& in) {
  if (in.args.size() != 1) return InvalidArgument("MAINTAINER requires exactly one argument");
  MB_RETURN_IF_ERROR(NoFlags(in));
  state.config.author = in.args[0];
  AddHistory(state, "MAINTAINER " + in.args[0], true, false);
  return Status::Ok();
}

// The trigger as the image config records it: the line without "ONBUILD", heredoc bodies appended.
std::string OnbuildExpression(const Instruction& in) {
  std::string text = in.original;
  size_t i = text.find_first_not_of(" \t");
  if (i == std::string::npos) i = text.size();
  if (text.size() - i >= 7) {
    if (frontend::AsciiUpper(std::string_view(text).substr(i, 7)) == "ONBUILD") i += 7;
  }
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  std::string out = text.substr(i);
  const std::vector<frontend::Heredoc>& heredocs =
      !in.heredocs.empty() || !in.onbuild ? in.heredocs : in.onbuild->heredocs;
  for (const frontend::Heredoc& h : heredocs) out += "\n" + h.content + h.name;
  return out;
}

Status DispatchOnbuild(StageState& state, const Instruction& in) {
  if (!in.onbuild) return InvalidArgument("ONBUILD requires at least one argument");
  MB_RETURN_IF_ERROR(NoFlags(in));
  const std::string trigger = UpperKeyword(*in.onbuild);
  if (trigger == "ONBUILD") return InvalidArgument("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger == "MAINTAINER" || trigger == "FROM") {
    return InvalidArgument(trigger + " isn't allowed as an ONBUILD trigger");
  }
  state.config.on_build.push_back(OnbuildExpression(in));
  return Status::Ok();  // the reference records no history entry for ONBUILD
}

}  // namespace

Status DispatchConfigInstruction(StageState& state, const Instruction& in) {
  const std::string& k = in.keyword;
  if (k == "env") return DispatchEnv(state, in);
  if (k == "label") return DispatchLabel(state, in);
  if (k == "arg") return DispatchArg(state, in);
  if (k == "user") return DispatchUser(state, in);
  if (k == "workdir") return DispatchWorkdir(state, in);
  if (k == "volume") return DispatchVolume(state, in);
  if (k == "expose") return DispatchExpose(state, in);
  if (k == "stopsignal") return DispatchStopSignal(state, in);
  if (k == "shell") return DispatchShell(state, in);
  if (k == "cmd") return DispatchCmd(state, in);
  if (k == "entrypoint") return DispatchEntrypoint(state, in);
  if (k == "healthcheck") return DispatchHealthcheck(state, in);
  if (k == "maintainer") return DispatchMaintainer(state, in);
  if (k == "onbuild") return DispatchOnbuild(state, in);
  return InvalidArgument("unknown instruction: " + UpperKeyword(in) +
                         " (expected one of FROM, RUN, CMD, LABEL, MAINTAINER, EXPOSE, ENV, ADD, COPY, "
                         "ENTRYPOINT, VOLUME, USER, WORKDIR, ARG, ONBUILD, STOPSIGNAL, HEALTHCHECK, SHELL)");
}

}  // namespace mybuild::planner
