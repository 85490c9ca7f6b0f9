// A compose file as a tree of plain values, each with the place in the file it came from. yaml-cpp parses;
// this layer adds what compose needs and yaml-cpp 0.7 lacks: `<<` merge keys, refused duplicate keys,
// and a file:line:column on every node (so that errors after merging still point into the right file).
#ifndef MYBUILD_COMPOSE_YAML_VALUE_H_
#define MYBUILD_COMPOSE_YAML_VALUE_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/base/source_location.h"
#include "src/base/status.h"

namespace mybuild::compose {

struct Entry;

struct Value {
  enum class Kind { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  std::string scalar;          // kScalar
  bool quoted = false;         // kScalar written quoted or as a block: always a string, never a number
  std::vector<Value> items;    // kSequence
  std::vector<Entry> entries;  // kMapping, in file order; keys are unique
  SourceLocation location;

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMapping() const { return kind == Kind::kMapping; }

  // kMapping: the value under `key`, or nullptr.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  // kMapping: sets `key` (replacing the value, or appending a new entry).
  void Set(const std::string& key, Value value);
  // kMapping: removes `key` when present.
  void Erase(std::string_view key);

  static Value Null(SourceLocation location = {});
  static Value Scalar(std::string text, SourceLocation location = {}, bool quoted = true);
  static Value Sequence(SourceLocation location = {});
  static Value Mapping(SourceLocation location = {});
};

struct Entry {
  std::string key;
  SourceLocation key_location;
  Value value;
};

// "a string", "a mapping" …: what a value is, for error messages.
const char* KindName(const Value& value);

// Parses every document of `text` (named `file` in locations). Errors name file:line:column.
StatusOr<std::vector<Value>> ParseYamlDocuments(std::string_view text, const std::string& file);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_YAML_VALUE_H_
