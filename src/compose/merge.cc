#include "src/compose/merge.h"

#include <algorithm>
#include <map>

namespace mybuild::compose {
namespace {

constexpr const char* kToSequence[] = {
    "networks.*.labels", "volumes.*.labels", "services.*.annotations", "services.*.build.args",
    "services.*.build.additional_contexts", "services.*.build.labels", "services.*.deploy.labels",
    "services.*.dns", "services.*.dns_opt", "services.*.dns_search", "services.*.env_file",
    "services.*.label_file", "services.*.environment", "services.*.labels", "services.*.sysctls",
    "services.*.tmpfs", "services.*.volumes.*.volume.labels"};
constexpr const char* kReplaced[] = {"services.*.command", "services.*.entrypoint", "services.*.healthcheck.test",
                                     "services.*.ulimits.*"};

bool MatchesAny(const KeyPath& path, const auto& patterns) {
  return std::any_of(std::begin(patterns), std::end(patterns), [&](const char* p) { return PathMatches(path, p); });
}

// `build: ./dir` is `build: {context: ./dir}`.
Value BuildAsMapping(Value value) {
  if (!value.IsScalar()) return value;
  Value mapping = Value::Mapping(value.location);
  mapping.Set("context", std::move(value));
  return mapping;
}

// depends_on / networks written as a list: a mapping whose values are `fill` (or null).
Value ListAsMapping(Value value, const Value* fill) {
  if (!value.IsSequence()) return value;
  Value mapping = Value::Mapping(value.location);
  for (Value& item : value.items) {
    if (!item.IsScalar()) continue;  // the schema check reports it
    Value entry = fill != nullptr ? *fill : Value::Null(item.location);
    entry.location = item.location;
    mapping.entries.push_back(Entry{item.scalar, item.location, std::move(entry)});
  }
  return mapping;
}

Value DependsOnDefault() {
  Value fill = Value::Mapping();
  fill.Set("condition", Value::Scalar("service_started"));
  fill.Set("required", Value::Scalar("true", {}, false));
  return fill;
}

StatusOr<Value> MergeMappings(Value base, Value over, const KeyPath& path) {
  for (Entry& entry : over.entries) {
    Value* existing = base.Find(entry.key);
    if (existing == nullptr) {
      base.entries.push_back(std::move(entry));
      continue;
    }
    MB_ASSIGN_OR_RETURN(*existing, MergeValues(std::move(*existing), std::move(entry.value), Child(path, entry.key)));
  }
  return base;
}

Value Union(Value base, Value over) {
  Value left = ToKeyValueSequence(base);
  for (Value& item : ToKeyValueSequence(over).items) {
    const bool present = std::any_of(left.items.begin(), left.items.end(),
                                     [&](const Value& v) { return v.scalar == item.scalar; });
    if (!present) left.items.push_back(std::move(item));
  }
  return left;
}

// ---- unicity ----

std::string KeyValueIndex(const Value& item) {
  const size_t equals = item.scalar.find('=');
  return equals == std::string::npos ? item.scalar : item.scalar.substr(0, equals);
}

std::string ScalarAt(const Value& mapping, const char* key, const std::string& fallback) {
  const Value* value = mapping.Find(key);
  return value != nullptr && value->IsScalar() ? value->scalar : fallback;
}

// The mount target of a volume "SRC:DST[:MODE]", "DST", or {target: DST}.
std::string VolumeIndex(const Value& item) {
  if (item.IsMapping()) return ScalarAt(item, "target", "");
  const std::string& text = item.scalar;
  const size_t first = text.find(':');
  if (first == std::string::npos) return text;
  const size_t second = text.find(':', first + 1);
  return text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

std::string PortIndex(const Value& item) {
  if (!item.IsMapping()) return item.scalar;
  return ScalarAt(item, "host_ip", "0.0.0.0") + ":" + ScalarAt(item, "published", "") + ":" +
         ScalarAt(item, "target", "") + "/" + ScalarAt(item, "protocol", "tcp");
}

std::string MountIndex(const Value& item, const std::string& base) {
  if (!item.IsMapping()) return base + "/" + item.scalar;
  if (const Value* target = item.Find("target"); target != nullptr && target->IsScalar()) return target->scalar;
  return base + "/" + ScalarAt(item, "source", "");
}

using Indexer = std::string (*)(const Value&);

struct UniqueRule {
  const char* pattern;
  Indexer index;
};

const UniqueRule kUnique[] = {
    {"networks.*.labels", KeyValueIndex},
    {"services.*.annotations", KeyValueIndex},
    {"services.*.build.args", KeyValueIndex},
    {"services.*.build.additional_contexts", KeyValueIndex},
    {"services.*.build.tags", KeyValueIndex},
    {"services.*.build.labels", KeyValueIndex},
    {"services.*.cap_add", KeyValueIndex},
    {"services.*.cap_drop", KeyValueIndex},
    {"services.*.configs", [](const Value& v) { return MountIndex(v, ""); }},
    {"services.*.deploy.labels", KeyValueIndex},
    {"services.*.dns", KeyValueIndex},
    {"services.*.dns_opt", KeyValueIndex},
    {"services.*.dns_search", KeyValueIndex},
    {"services.*.environment", KeyValueIndex},
    {"services.*.env_file", [](const Value& v) { return v.IsMapping() ? ScalarAt(v, "path", "") : v.scalar; }},
    {"services.*.expose", [](const Value& v) { return v.scalar; }},
    {"services.*.labels", KeyValueIndex},
    {"services.*.links", KeyValueIndex},
    {"services.*.networks.*.aliases", KeyValueIndex},
    {"services.*.ports", PortIndex},
    {"services.*.profiles", KeyValueIndex},
    {"services.*.secrets", [](const Value& v) { return MountIndex(v, "/run/secrets"); }},
    {"services.*.sysctls", KeyValueIndex},
    {"services.*.tmpfs", KeyValueIndex},
    {"services.*.volumes", VolumeIndex},
};

void Unique(Value& value, KeyPath& path) {
  if (value.IsMapping()) {
    for (Entry& entry : value.entries) {
      path.push_back(entry.key);
      Unique(entry.value, path);
      path.pop_back();
    }
    return;
  }
  if (!value.IsSequence()) return;
  for (const UniqueRule& rule : kUnique) {
    if (!PathMatches(path, rule.pattern)) continue;
    std::vector<Value> kept;
    std::map<std::string, size_t> seen;
    for (Value& item : value.items) {
      const std::string key = item.IsScalar() || item.IsMapping() ? rule.index(item) : std::string();
      auto found = seen.find(key);
      if (found != seen.end()) {
        kept[found->second] = std::move(item);
      } else {
        seen.emplace(key, kept.size());
        kept.push_back(std::move(item));
      }
    }
    value.items = std::move(kept);
    return;
  }
}

}  // namespace

Value ToKeyValueSequence(const Value& value) {
  if (value.IsSequence()) return value;
  Value sequence = Value::Sequence(value.location);
  if (value.IsScalar()) {
    sequence.items.push_back(value);
    return sequence;
  }
  if (!value.IsMapping()) return sequence;
  for (const Entry& entry : value.entries) {
    if (entry.value.IsNull()) {
      sequence.items.push_back(Value::Scalar(entry.key, entry.key_location));
    } else if (entry.value.IsSequence()) {
      for (const Value& item : entry.value.items) {
        sequence.items.push_back(Value::Scalar(entry.key + "=" + item.scalar, item.location));
      }
    } else {
      sequence.items.push_back(Value::Scalar(entry.key + "=" + entry.value.scalar, entry.value.location));
    }
  }
  std::stable_sort(sequence.items.begin(), sequence.items.end(),
                   [](const Value& a, const Value& b) { return a.scalar < b.scalar; });
  return sequence;
}

StatusOr<Value> MergeValues(Value base, Value over, const KeyPath& path) {
  if (MatchesAny(path, kToSequence)) {
    Value merged = ToKeyValueSequence(base);
    for (Value& item : ToKeyValueSequence(over).items) merged.items.push_back(std::move(item));
    return merged;
  }
  if (MatchesAny(path, kReplaced)) return over;
  if (PathMatches(path, "services.*.build")) {
    return MergeMappings(BuildAsMapping(std::move(base)), BuildAsMapping(std::move(over)), path);
  }
  if (PathMatches(path, "services.*.depends_on")) {
    const Value fill = DependsOnDefault();
    return MergeMappings(ListAsMapping(std::move(base), &fill), ListAsMapping(std::move(over), &fill), path);
  }
  if (PathMatches(path, "services.*.networks") || PathMatches(path, "services.*.models")) {
    return MergeMappings(ListAsMapping(std::move(base), nullptr), ListAsMapping(std::move(over), nullptr), path);
  }
  if (PathMatches(path, "services.*.extra_hosts") || PathMatches(path, "services.*.build.extra_hosts")) {
    return Union(std::move(base), std::move(over));
  }
  if (PathMatches(path, "services.*.logging") && base.IsMapping() && over.IsMapping()) {
    const Value* left = base.Find("driver");
    const Value* right = over.Find("driver");
    if (left != nullptr && right != nullptr && left->scalar != right->scalar) return over;
  }
  if (over.IsNull()) return base;
  if (base.IsMapping()) {
    if (!over.IsMapping()) {
      return InvalidArgument("cannot override " + JoinPath(path) + ": expected a mapping as in " +
                                 base.location.ToString() + ", got " + KindName(over),
                             over.location);
    }
    return MergeMappings(std::move(base), std::move(over), path);
  }
  if (base.IsSequence()) {
    if (!over.IsSequence()) {
      return InvalidArgument("cannot override " + JoinPath(path) + ": expected a sequence as in " +
                                 base.location.ToString() + ", got " + KindName(over),
                             over.location);
    }
    for (Value& item : over.items) base.items.push_back(std::move(item));
    return base;
  }
  return over;
}

void EnforceUnicity(Value& model) {
  KeyPath path;
  Unique(model, path);
}

}  // namespace mybuild::compose
