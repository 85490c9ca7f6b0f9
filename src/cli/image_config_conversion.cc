#include "src/cli/image_config_conversion.h"

#include "src/planner/config_changes.h"

namespace mybuild::cli {

planner::ImageConfig ToPlannerConfig(const image::ImageConfig& config) {
  planner::ImageConfig out;
  const image::ContainerConfig& c = config.config;
  out.user = c.user;
  out.env = c.env;
  out.entrypoint = c.entrypoint;
  out.cmd = c.cmd;
  out.labels = c.labels;
  out.exposed_ports = {c.exposed_ports.begin(), c.exposed_ports.end()};
  out.volumes = {c.volumes.begin(), c.volumes.end()};
  out.working_dir = c.working_dir;
  out.stop_signal = c.stop_signal;
  out.shell = c.shell;
  if (c.healthcheck) {
    planner::Healthcheck health;
    health.test = c.healthcheck->test;
    health.interval_ns = c.healthcheck->interval_ns;
    health.timeout_ns = c.healthcheck->timeout_ns;
    health.start_period_ns = c.healthcheck->start_period_ns;
    health.start_interval_ns = c.healthcheck->start_interval_ns;
    health.retries = static_cast<int>(c.healthcheck->retries);
    out.healthcheck = health;
  }
  out.on_build = c.on_build;
  out.args_escaped = c.args_escaped;
  out.author = config.author;
  out.os = config.os;
  out.architecture = config.architecture;
  out.variant = config.variant;
  for (const image::HistoryEntry& entry : config.history) {
    out.history.push_back(planner::HistoryEntry{entry.created_by, entry.comment, entry.empty_layer});
  }
  return out;
}

image::ImageConfig ToImageConfig(const planner::ImageConfig& config, const std::vector<Digest>& diff_ids,
                                 int64_t created_seconds, int base_history_length,
                                 const std::vector<image::HistoryEntry>& base_history) {
  image::ImageConfig out;
  std::string created = image::FormatTimestamp(created_seconds);
  out.architecture = config.architecture.empty() ? "amd64" : config.architecture;
  out.os = config.os.empty() ? "linux" : config.os;
  out.variant = config.variant;
  out.created = created;
  out.author = config.author;
  image::ContainerConfig& c = out.config;
  c.user = config.user;
  c.env = config.env;
  c.entrypoint = config.entrypoint;
  c.cmd = config.cmd;
  c.labels = config.labels;
  c.exposed_ports = {config.exposed_ports.begin(), config.exposed_ports.end()};
  c.volumes = {config.volumes.begin(), config.volumes.end()};
  c.working_dir = config.working_dir;
  c.stop_signal = config.stop_signal;
  c.shell = config.shell;
  if (config.healthcheck) {
    image::HealthConfig health;
    health.test = config.healthcheck->test;
    health.interval_ns = config.healthcheck->interval_ns;
    health.timeout_ns = config.healthcheck->timeout_ns;
    health.start_period_ns = config.healthcheck->start_period_ns;
    health.start_interval_ns = config.healthcheck->start_interval_ns;
    health.retries = config.healthcheck->retries;
    c.healthcheck = health;
  }
  c.on_build = config.on_build;
  c.args_escaped = config.args_escaped;
  out.diff_ids = diff_ids;
  for (size_t i = 0; i < config.history.size(); ++i) {
    const planner::HistoryEntry& entry = config.history[i];
    image::HistoryEntry history;
    history.created_by = entry.created_by;
    history.comment = entry.comment;
    history.empty_layer = entry.empty_layer;
    bool inherited = static_cast<int>(i) < base_history_length && i < base_history.size() &&
                     base_history[i].created_by == entry.created_by;
    history.created = inherited ? base_history[i].created : created;
    out.history.push_back(std::move(history));
  }
  return out;
}

Status ApplyConfigChanges(image::ImageConfig& config, const std::vector<std::string>& changes) {
  if (changes.empty()) return Status::Ok();
  planner::ImageConfig edited = ToPlannerConfig(config);
  MB_RETURN_IF_ERROR(planner::ApplyConfigChanges(edited, changes));
  config.config = ToImageConfig(edited, config.diff_ids, 0, static_cast<int>(edited.history.size()), config.history).config;
  return Status::Ok();
}

}  // namespace mybuild::cli
