// COPY and ADD: flags, sources (paths, URLs, heredocs), --from, the destination, the history.
#include "src/frontend/heredoc.h"
#include "src/planner/file_mode.h"
#include "src/planner/stage_dispatch.h"

namespace mybuild::planner {
namespace {

using frontend::Instruction;

bool IsHttpSource(const std::string& src) {
  return src.rfind("http://", 0) == 0 || src.rfind("https://", 0) == 0;
}

bool IsGitSource(const std::string& src) {
  if (src.rfind("git@", 0) == 0 || src.rfind("git://", 0) == 0 || src.rfind("ssh://", 0) == 0) return true;
  std::string base = src.substr(0, src.find('#'));
  return IsHttpSource(src) && base.size() > 4 && base.compare(base.size() - 4, 4, ".git") == 0;
}

// The destination made absolute against the workdir; a trailing '/' marks a directory.
std::string ResolveDestination(const std::string& workdir, const std::string& dest) {
  std::string resolved = ResolveAgainst(workdir, dest.empty() ? "." : dest);
  const bool is_dir = dest.empty() || dest == "." || dest.back() == '/' ||
                      (dest.size() >= 2 && dest.compare(dest.size() - 2, 2, "/.") == 0);
  if (is_dir && resolved.back() != '/') resolved += '/';
  return resolved;
}

}  // namespace

Status DispatchCopy(StageState& state, const Instruction& in, bool from_onbuild) {
  const bool is_add = in.keyword == "add";
  const std::string name = is_add ? "ADD" : "COPY";
  if (in.args.size() < 2) {
    return InvalidArgument(name + " requires at least two arguments, but only one was provided. "
                                  "Destination could not be determined");
  }
  InstructionFlags flags;
  flags.AddString("chown");
  flags.AddString("chmod");
  flags.AddBool("link");
  flags.AddStrings("exclude");
  if (is_add) {
    flags.AddBool("keep-git-dir");
    flags.AddString("checksum");
    flags.AddBool("unpack");
  } else {
    flags.AddString("from");
    flags.AddBool("parents");
  }
  MB_RETURN_IF_ERROR(flags.Parse(in.flags));

  const std::string& raw_dest = in.args.back();
  if (HeredocMarkerName(raw_dest)) return InvalidArgument(name + " cannot accept a heredoc as a destination");

  CopyStep copy;
  copy.is_add = is_add;
  if (!is_add && flags.Used("from") && !flags.Value("from").empty()) {
    const std::string& from = flags.Value("from");
    if (from.find('$') != std::string::npos) {
      return InvalidArgument("variable expansion is not supported for --from, define a new stage with FROM "
                             "using ARG from global scope as a workaround");
    }
    MB_ASSIGN_OR_RETURN(copy.from, ResolveSourceName(*state.table, from, state.stage_index));
    state.sources.push_back(copy.from);
  }

  for (size_t i = 0; i + 1 < in.args.size(); ++i) {
    const std::string& src = in.args[i];
    if (auto marker = HeredocMarkerName(src)) {
      const frontend::Heredoc* doc = nullptr;
      for (const frontend::Heredoc& h : in.heredocs) {
        if (h.name == *marker) doc = &h;
      }
      if (doc == nullptr) {
        return InvalidArgument(name + " source " + src + " names a heredoc whose body is missing");
      }
      InlineSource inline_source;
      inline_source.name = doc->name;
      // <<- strips the leading tabs of every line (before expansion, as BuildKit does).
      inline_source.content = doc->chomp ? frontend::ChompHeredocContent(doc->content) : doc->content;
      if (doc->expand) {
        MB_ASSIGN_OR_RETURN(inline_source.content, state.expander->Raw(inline_source.content, state.env));
      }
      copy.inline_sources.push_back(std::move(inline_source));
      continue;
    }
    MB_ASSIGN_OR_RETURN(std::string expanded, ExpandWord(state, src));
    copy.sources.push_back(std::move(expanded));
  }
  MB_ASSIGN_OR_RETURN(std::string dest, ExpandWord(state, raw_dest));
  MB_ASSIGN_OR_RETURN(copy.chown, ExpandWord(state, flags.Value("chown")));
  MB_ASSIGN_OR_RETURN(std::string chmod, ExpandWord(state, flags.Value("chmod")));
  if (!chmod.empty()) {
    MB_ASSIGN_OR_RETURN(ChmodSpec spec, ParseChmod(chmod));
    if (spec.is_octal) {
      copy.chmod = spec.octal;
    } else {
      copy.chmod_symbolic = spec.symbolic;
    }
  }
  copy.link = flags.IsTrue("link");
  copy.parents = flags.IsTrue("parents");
  copy.excludes = flags.Values("exclude");
  if (is_add) {
    MB_ASSIGN_OR_RETURN(copy.checksum, ExpandWord(state, flags.Value("checksum")));
    if (!copy.checksum.empty()) {
      if (copy.sources.size() != 1 || !copy.inline_sources.empty()) {
        return InvalidArgument("checksum can't be specified for multiple sources");
      }
      if (!IsHttpSource(copy.sources[0]) && !IsGitSource(copy.sources[0])) {
        return InvalidArgument("checksum requires HTTP(S) or Git sources");
      }
    }
    if (flags.Used("keep-git-dir")) copy.keep_git_dir = flags.IsTrue("keep-git-dir");
    if (flags.Used("unpack")) copy.unpack = flags.IsTrue("unpack");
  }
  copy.workdir = state.config.working_dir.empty() ? "/" : state.config.working_dir;
  copy.dest = ResolveDestination(copy.workdir, dest);

  std::string message = name;
  if (copy.parents) message += " --parents";
  if (!copy.chown.empty()) message += " --chown=" + copy.chown;
  if (!chmod.empty()) message += " --chmod=" + chmod;
  for (const std::string& src : copy.sources) message += " " + src;
  for (const InlineSource& src : copy.inline_sources) message += " <<" + src.name;
  message += " " + dest;

  Step step;
  step.op = std::move(copy);
  step.from_onbuild = from_onbuild;
  step.history_index = AddHistory(state, message, false, true);
  state.steps.push_back(std::move(step));
  return Status::Ok();
}

}  // namespace mybuild::planner
