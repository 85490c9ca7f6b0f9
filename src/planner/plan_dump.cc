#include "src/planner/plan_dump.h"

#include <sstream>

#include "src/frontend/go_quote.h"
#include "src/planner/go_duration.h"

namespace mybuild::planner {
namespace {

using frontend::GoQuote;
using frontend::GoQuoteList;

std::string Ref(const SourceRef& ref) {
  switch (ref.kind) {
    case SourceRef::Kind::kContext: return "context";
    case SourceRef::Kind::kStage: return "stage " + std::to_string(ref.stage);
    case SourceRef::Kind::kImage: return "image " + GoQuote(ref.image);
  }
  return "context";
}

std::string OptList(const std::optional<std::vector<std::string>>& v) { return v ? GoQuoteList(*v) : "-"; }

template <typename Set>
std::vector<std::string> ToVector(const Set& set) {
  return std::vector<std::string>(set.begin(), set.end());
}

const char* NetworkName(NetworkMode mode) {
  switch (mode) {
    case NetworkMode::kDefault: return "default";
    case NetworkMode::kNone: return "none";
    case NetworkMode::kHost: return "host";
  }
  return "default";
}

const char* SharingName(CacheSharing sharing) {
  switch (sharing) {
    case CacheSharing::kShared: return "shared";
    case CacheSharing::kPrivate: return "private";
    case CacheSharing::kLocked: return "locked";
  }
  return "shared";
}

void DumpRun(std::ostream& out, const RunStep& run) {
  out << "    RUN " << GoQuoteList(run.args) << " user " << GoQuote(run.user) << " workdir "
      << GoQuote(run.workdir) << " network " << NetworkName(run.network)
      << (run.security == SecurityMode::kInsecure ? " insecure" : "") << "\n";
  out << "      env " << GoQuoteList(run.env) << "\n";
  if (!run.proxy_env.empty()) out << "      proxy " << GoQuoteList(run.proxy_env) << "\n";
  if (run.script) out << "      script " << GoQuote(run.script->mount_dir + run.script->name) << "\n";
  for (const RunMount& m : run.mounts) {
    out << "      mount " << MountTypeName(m.type) << " target " << GoQuote(m.target);
    if (!m.source.empty()) out << " source " << GoQuote(m.source);
    if (m.from_given) out << " from " << Ref(m.from);
    if (!m.id.empty()) out << " id " << GoQuote(m.id);
    if (m.type == MountType::kCache) out << " sharing " << SharingName(m.sharing);
    out << (m.readonly ? " ro" : " rw");
    if (m.required) out << " required";
    if (m.mode) out << " mode 0" << std::oct << *m.mode << std::dec;
    if (m.uid) out << " uid " << *m.uid;
    if (m.gid) out << " gid " << *m.gid;
    if (!m.env.empty()) out << " env " << GoQuote(m.env);
    if (m.size_bytes) out << " size " << m.size_bytes;
    out << "\n";
  }
}

void DumpCopy(std::ostream& out, const CopyStep& copy) {
  out << "    " << (copy.is_add ? "ADD" : "COPY") << " from " << Ref(copy.from) << " " << GoQuoteList(copy.sources);
  for (const InlineSource& s : copy.inline_sources) out << " <<" << s.name << "(" << GoQuote(s.content) << ")";
  out << " -> " << GoQuote(copy.dest);
  if (!copy.chown.empty()) out << " chown " << GoQuote(copy.chown);
  if (copy.chmod) out << " chmod 0" << std::oct << *copy.chmod << std::dec;
  if (!copy.chmod_symbolic.empty()) out << " chmod " << copy.chmod_symbolic;
  if (copy.link) out << " link";
  if (copy.parents) out << " parents";
  if (!copy.excludes.empty()) out << " exclude " << GoQuoteList(copy.excludes);
  if (!copy.checksum.empty()) out << " checksum " << copy.checksum;
  if (copy.keep_git_dir) out << " keep-git-dir=" << (*copy.keep_git_dir ? "true" : "false");
  if (copy.unpack) out << " unpack=" << (*copy.unpack ? "true" : "false");
  out << "\n";
}

void DumpConfig(std::ostream& out, const ImageConfig& c) {
  out << "    config " << c.os << "/" << c.architecture << (c.variant.empty() ? "" : "/" + c.variant) << " user "
      << GoQuote(c.user) << " workdir " << GoQuote(c.working_dir) << "\n";
  out << "      env " << GoQuoteList(c.env) << "\n";
  out << "      entrypoint " << OptList(c.entrypoint) << " cmd " << OptList(c.cmd) << " shell "
      << (c.shell.empty() ? "-" : GoQuoteList(c.shell)) << "\n";
  if (!c.labels.empty()) {
    out << "      labels";
    for (const auto& [k, v] : c.labels) out << " " << GoQuote(k) << "=" << GoQuote(v);
    out << "\n";
  }
  if (!c.exposed_ports.empty()) out << "      ports " << GoQuoteList(ToVector(c.exposed_ports)) << "\n";
  if (!c.volumes.empty()) out << "      volumes " << GoQuoteList(ToVector(c.volumes)) << "\n";
  if (!c.stop_signal.empty()) out << "      stopsignal " << c.stop_signal << "\n";
  if (c.healthcheck) {
    out << "      healthcheck " << GoQuoteList(c.healthcheck->test) << " interval "
        << FormatGoDuration(c.healthcheck->interval_ns) << " timeout " << FormatGoDuration(c.healthcheck->timeout_ns)
        << " start-period " << FormatGoDuration(c.healthcheck->start_period_ns) << " start-interval "
        << FormatGoDuration(c.healthcheck->start_interval_ns) << " retries " << c.healthcheck->retries << "\n";
  }
  if (!c.on_build.empty()) out << "      onbuild " << GoQuoteList(c.on_build) << "\n";
  if (!c.author.empty()) out << "      author " << GoQuote(c.author) << "\n";
  for (const HistoryEntry& h : c.history) {
    out << "      history " << (h.empty_layer ? "empty " : "layer ") << GoQuote(h.created_by) << "\n";
  }
}

}  // namespace

std::string DumpPlan(const BuildPlan& plan) {
  std::ostringstream out;
  out << "target " << plan.target_index << " build " << plan.build_platform.ToString() << " target "
      << plan.target_platform.ToString() << "\n";
  for (const Stage& stage : plan.stages) {
    out << "stage " << stage.index << " " << GoQuote(stage.name) << " FROM ";
    switch (stage.base_kind) {
      case Stage::BaseKind::kScratch: out << "scratch"; break;
      case Stage::BaseKind::kImage: out << "image " << GoQuote(stage.base_image); break;
      case Stage::BaseKind::kStage: out << "stage " << stage.base_stage; break;
    }
    out << " platform " << stage.platform.ToString() << " deps [";
    for (size_t i = 0; i < stage.depends_on.size(); ++i) out << (i ? " " : "") << stage.depends_on[i];
    out << "]";
    if (!stage.images_used.empty()) out << " images " << GoQuoteList(stage.images_used);
    out << "\n";
    for (const Step& step : stage.steps) {
      if (const auto* run = std::get_if<RunStep>(&step.op)) DumpRun(out, *run);
      if (const auto* copy = std::get_if<CopyStep>(&step.op)) DumpCopy(out, *copy);
      if (const auto* wd = std::get_if<WorkdirStep>(&step.op)) {
        out << "    WORKDIR " << GoQuote(wd->path) << " user " << GoQuote(wd->user) << "\n";
      }
    }
    DumpConfig(out, stage.config);
  }
  for (const std::string& w : plan.warnings) out << "warning " << w << "\n";
  return out.str();
}

}  // namespace mybuild::planner
