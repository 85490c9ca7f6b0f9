#include "src/compose/yaml_value.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace mybuild::compose {
namespace {

constexpr int kMaxDepth = 200;  // nesting (and alias expansion) deeper than this is refused

SourceLocation LocationOf(const YAML::Mark& mark, const std::string& file) {
  SourceLocation location;
  location.file = file;
  if (mark.line >= 0) location.line = mark.line + 1;
  if (mark.column >= 0) location.column = mark.column + 1;
  return location;
}

class Converter {
 public:
  explicit Converter(const std::string& file) : file_(file) {}

  StatusOr<Value> Convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) return InvalidArgument("the document is nested too deeply", LocationOf(node.Mark(), file_));
    Value value;
    value.location = LocationOf(node.Mark(), file_);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        value.kind = Value::Kind::kNull;
        return value;
      case YAML::NodeType::Scalar:
        value.kind = Value::Kind::kScalar;
        value.scalar = node.Scalar();
        value.quoted = node.Tag() == "!";  // yaml-cpp tags plain scalars "?", quoted and block ones "!"
        return value;
      case YAML::NodeType::Sequence:
        value.kind = Value::Kind::kSequence;
        for (const YAML::Node& item : node) {
          MB_ASSIGN_OR_RETURN(Value converted, Convert(item, depth + 1));
          value.items.push_back(std::move(converted));
        }
        return value;
      case YAML::NodeType::Map:
        return ConvertMapping(node, depth, std::move(value));
    }
    return Internal("unknown YAML node type");
  }

 private:
  StatusOr<Value> ConvertMapping(const YAML::Node& node, int depth, Value value) {
    value.kind = Value::Kind::kMapping;
    std::vector<Value> merged;  // the `<<` sources, in order of precedence
    for (const auto& pair : node) {
      const SourceLocation key_location = LocationOf(pair.first.Mark(), file_);
      if (!pair.first.IsScalar()) {
        return InvalidArgument("a mapping key must be a string, not " +
                                   std::string(pair.first.IsMap() ? "a mapping" : "a sequence"),
                               key_location);
      }
      const std::string key = pair.first.Scalar();
      if (key == "<<" && pair.first.Tag() != "!") {
        MB_ASSIGN_OR_RETURN(Value source, Convert(pair.second, depth + 1));
        if (source.IsMapping()) {
          merged.push_back(std::move(source));
        } else if (source.IsSequence() &&
                   std::all_of(source.items.begin(), source.items.end(), [](const Value& v) { return v.IsMapping(); })) {
          for (Value& item : source.items) merged.push_back(std::move(item));
        } else {
          return InvalidArgument("the merge key << expects a mapping or a sequence of mappings (an alias such as *base), got " +
                                     std::string(KindName(source)),
                                 key_location);
        }
        continue;
      }
      if (value.Find(key) != nullptr) {
        const Entry& first = *std::find_if(value.entries.begin(), value.entries.end(),
                                           [&](const Entry& e) { return e.key == key; });
        return InvalidArgument("mapping key \"" + key + "\" already defined at line " +
                                   std::to_string(first.key_location.line),
                               key_location);
      }
      MB_ASSIGN_OR_RETURN(Value converted, Convert(pair.second, depth + 1));
      value.entries.push_back(Entry{key, key_location, std::move(converted)});
    }
    // Merged keys never override the mapping's own keys; among several sources the first one wins.
    for (Value& source : merged) {
      for (Entry& entry : source.entries) {
        if (value.Find(entry.key) == nullptr) value.entries.push_back(std::move(entry));
      }
    }
    return value;
  }

  const std::string& file_;
};

}  // namespace

const Value* Value::Find(std::string_view key) const {
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->Find(key));
}

void Value::Set(const std::string& key, Value value) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  SourceLocation key_location = value.location;
  entries.push_back(Entry{key, std::move(key_location), std::move(value)});
}

void Value::Erase(std::string_view key) {
  std::erase_if(entries, [&](const Entry& entry) { return entry.key == key; });
}

Value Value::Null(SourceLocation location) {
  Value value;
  value.location = std::move(location);
  return value;
}

Value Value::Scalar(std::string text, SourceLocation location, bool quoted) {
  Value value;
  value.kind = Kind::kScalar;
  value.scalar = std::move(text);
  value.quoted = quoted;
  value.location = std::move(location);
  return value;
}

Value Value::Sequence(SourceLocation location) {
  Value value;
  value.kind = Kind::kSequence;
  value.location = std::move(location);
  return value;
}

Value Value::Mapping(SourceLocation location) {
  Value value;
  value.kind = Kind::kMapping;
  value.location = std::move(location);
  return value;
}

const char* KindName(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kScalar: return value.quoted ? "a string" : "a scalar";
    case Value::Kind::kSequence: return "a sequence";
    case Value::Kind::kMapping: return "a mapping";
  }
  return "a value";
}

StatusOr<std::vector<Value>> ParseYamlDocuments(std::string_view text, const std::string& file) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("invalid YAML: " + e.msg, LocationOf(e.mark, file));
  }
  std::vector<Value> values;
  Converter converter(file);
  for (const YAML::Node& document : documents) {
    try {
      MB_ASSIGN_OR_RETURN(Value value, converter.Convert(document, 0));
      values.push_back(std::move(value));
    } catch (const YAML::Exception& e) {  // alias expansion and iteration can throw too
      return InvalidArgument("invalid YAML: " + e.msg, LocationOf(e.mark, file));
    }
  }
  return values;
}

}  // namespace mybuild::compose
