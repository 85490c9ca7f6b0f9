// RUN: flags (--mount, --network, --security), heredocs, the shell, the environment and the history.
#include "src/base/slash_path.h"
#include "src/planner/run_mount.h"
#include "src/planner/stage_dispatch.h"

namespace mybuild::planner {
namespace {

using frontend::CommandForm;
using frontend::Instruction;

StatusOr<RunMount> PlanMount(StageState& state, const std::string& spec) {
  ValueExpander expand = [&state](const std::string& value) { return ExpandWord(state, value); };
  MB_ASSIGN_OR_RETURN(ParsedRunMount parsed, ParseRunMount(spec, expand, state.ssh_mounts));
  RunMount mount = std::move(parsed.mount);
  if (mount.type == MountType::kSsh) ++state.ssh_mounts;
  if (!parsed.from.empty()) {
    MB_ASSIGN_OR_RETURN(mount.from, ResolveSourceName(*state.table, parsed.from, state.stage_index, "mount from"));
    state.sources.push_back(mount.from);
  }
  if (mount.type == MountType::kCache && mount.id.empty()) mount.id = CleanSlashPath(mount.target);
  if (mount.type == MountType::kSecret || mount.type == MountType::kSsh) {
    if (!mount.target.empty()) mount.target = ResolveAgainst(state.config.working_dir, mount.target);
    return mount;
  }
  // A missing or relative target is taken relative to the workdir (no target = the workdir itself).
  mount.target = ResolveAgainst(state.config.working_dir, mount.target);
  if (mount.target == "/") return InvalidArgument("invalid mount target \"/\" (expected target=PATH other than /)");
  return mount;
}

// The history form of a RUN: "|N K=V … cmd…" when ARGs are declared (the value in scope wins).
std::string RunCommandString(const StageState& state, const std::vector<std::string>& args) {
  std::vector<std::string> build_env;
  std::vector<std::string> names;
  for (const DeclaredArg& arg : state.args) {
    std::string value;
    if (auto v = state.env.Get(arg.name)) {
      value = std::string(*v);
    } else if (arg.value) {
      value = *arg.value;
    }
    bool replaced = false;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == arg.name) {
        build_env[i] = arg.name + "=" + value;
        replaced = true;
      }
    }
    if (!replaced) {
      names.push_back(arg.name);
      build_env.push_back(arg.name + "=" + value);
    }
  }
  std::string out;
  if (!build_env.empty()) {
    out = "|" + std::to_string(build_env.size());
    for (const std::string& kv : build_env) out += " " + kv;
  }
  for (const std::string& a : args) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

}  // namespace

Status DispatchRun(StageState& state, const Instruction& in, bool from_onbuild) {
  InstructionFlags flags;
  flags.AddStrings("mount");
  flags.AddString("network");
  flags.AddString("security");
  MB_RETURN_IF_ERROR(flags.Parse(in.flags));
  if (in.args.empty()) return InvalidArgument("RUN requires at least one argument");

  RunStep run;
  for (const std::string& spec : flags.Values("mount")) {
    MB_ASSIGN_OR_RETURN(RunMount mount, PlanMount(state, spec));
    run.mounts.push_back(std::move(mount));
  }
  const std::string& network = flags.Value("network");
  if (network.empty() || network == "default") {
    run.network = NetworkMode::kDefault;
  } else if (network == "none") {
    run.network = NetworkMode::kNone;
  } else if (network == "host") {
    run.network = NetworkMode::kHost;
  } else {
    return InvalidArgument("unsupported network mode \"" + network + "\" (expected default, none or host)");
  }
  const std::string& security = flags.Value("security");
  if (security.empty() || security == "sandbox") {
    run.security = SecurityMode::kSandbox;
  } else if (security == "insecure") {
    run.security = SecurityMode::kInsecure;
  } else {
    return InvalidArgument("unsupported security mode \"" + security + "\" (expected sandbox or insecure)");
  }

  const bool shell_form = in.form != CommandForm::kJson;
  std::vector<std::string> args = in.args;
  if (shell_form && !in.heredocs.empty()) {
    if (args.size() == 1 && HeredocMarkerName(args[0])) {
      // A lone heredoc: its body is the command, or a script when it starts with "#!".
      const frontend::Heredoc& doc = in.heredocs[0];
      if (doc.content.rfind("#!", 0) == 0) {
        RunScript script;
        script.name = doc.name;
        script.content = doc.content;
        args = {script.mount_dir + script.name};
        run.script = std::move(script);
      } else {
        args = {doc.content};
      }
    } else {
      // Heredocs inside a command: hand the whole text to the shell, which understands them.
      std::string text = args.empty() ? "" : args[0];
      for (const frontend::Heredoc& doc : in.heredocs) text += "\n" + doc.content + doc.name;
      args = {text};
    }
  }
  if (shell_form) args = WithShell(state.config, args);

  run.args = args;
  run.shell_form = shell_form;
  run.env = state.env.ToStrings();
  static const char* const kProxyArgs[] = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
                                           "FTP_PROXY",  "ftp_proxy",  "NO_PROXY",    "no_proxy",
                                           "ALL_PROXY",  "all_proxy"};
  for (const char* name : kProxyArgs) {
    auto it = state.build_args->find(name);
    if (it != state.build_args->end() && !state.env.Get(name)) run.proxy_env.push_back(it->first + "=" + it->second);
  }
  run.user = state.config.user;
  run.workdir = state.config.working_dir.empty() ? "/" : state.config.working_dir;

  Step step;
  step.op = std::move(run);
  step.from_onbuild = from_onbuild;
  step.history_index = AddHistory(state, "RUN " + RunCommandString(state, args), false, true);
  state.steps.push_back(std::move(step));
  return Status::Ok();
}

}  // namespace mybuild::planner
