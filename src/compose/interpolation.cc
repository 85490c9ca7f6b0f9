#include "src/compose/interpolation.h"

#include <set>

namespace mybuild::compose {
namespace {

bool IsNameStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// The index of the `}` that closes the `${` at `open` (nested `${…}` inside count), or npos.
size_t ClosingBrace(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

Status InvalidTemplate(std::string_view text) {
  return InvalidArgument("invalid interpolation format \"" + std::string(text) +
                         "\": expected ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, "
                         "${NAME:+alternative} or ${NAME+alternative} (write $$ for a literal $)");
}

class Interpolator {
 public:
  explicit Interpolator(const VariableLookup& lookup) : lookup_(lookup) {}

  StatusOr<std::string> Run(std::string_view text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
      if (text[i] != '$' || i + 1 >= text.size()) {
        out += text[i++];
        continue;
      }
      const char next = text[i + 1];
      if (next == '$') {
        out += '$';
        i += 2;
      } else if (IsNameStart(next)) {
        size_t end = i + 1;
        while (end < text.size() && IsNameChar(text[end])) ++end;
        out += Lookup(std::string(text.substr(i + 1, end - i - 1)));
        i = end;
      } else if (next == '{') {
        const size_t close = ClosingBrace(text, i + 1);
        if (close == std::string_view::npos) return InvalidTemplate(text);
        MB_ASSIGN_OR_RETURN(std::string braced, Braced(text.substr(i + 2, close - i - 2), text));
        out += braced;
        i = close + 1;
      } else {
        out += text[i++];  // `$1`, `$-`: not a variable, kept
      }
    }
    return out;
  }

  std::vector<std::string> unset;

 private:
  std::string Lookup(const std::string& name) {
    std::optional<std::string> value = lookup_(name);
    if (!value) {
      unset.push_back(name);
      return std::string();
    }
    return *value;
  }

  // The inside of `${…}`: NAME, then nothing or an operator and its word.
  StatusOr<std::string> Braced(std::string_view inner, std::string_view whole) {
    if (inner.empty() || !IsNameStart(inner[0])) return InvalidTemplate(whole);
    size_t end = 1;
    while (end < inner.size() && IsNameChar(inner[end])) ++end;
    const std::string name(inner.substr(0, end));
    if (end == inner.size()) return Lookup(name);
    bool colon = false;
    size_t op = end;
    if (inner[op] == ':') {
      colon = true;
      ++op;
    }
    if (op >= inner.size() || (inner[op] != '-' && inner[op] != '+' && inner[op] != '?')) return InvalidTemplate(whole);
    const char kind = inner[op];
    const std::string_view word = inner.substr(op + 1);
    const std::optional<std::string> value = lookup_(name);
    const bool present = value.has_value() && (!colon || !value->empty());
    switch (kind) {
      case '-':
        if (present) return *value;
        return Run(word);
      case '+':
        if (present) return Run(word);
        return value.value_or(std::string());
      default: {  // '?'
        if (present) return *value;
        MB_ASSIGN_OR_RETURN(std::string message, Run(word));
        return InvalidArgument("required variable " + name + " is missing a value" +
                               (message.empty() ? std::string() : ": " + message));
      }
    }
  }

  const VariableLookup& lookup_;
};

Status InterpolateAt(Value& value, const std::string& path, const VariableLookup& lookup,
                     std::set<std::string>& unset) {
  switch (value.kind) {
    case Value::Kind::kNull:
      return Status::Ok();
    case Value::Kind::kScalar: {
      if (value.scalar.find('$') == std::string::npos) return Status::Ok();
      StatusOr<InterpolationResult> result = Interpolate(value.scalar, lookup);
      if (!result.ok()) {
        return Status(result.status().code(), path + ": " + result.status().message(), value.location);
      }
      value.scalar = std::move(result->text);
      unset.insert(result->unset.begin(), result->unset.end());
      return Status::Ok();
    }
    case Value::Kind::kSequence:
      for (size_t i = 0; i < value.items.size(); ++i) {
        MB_RETURN_IF_ERROR(InterpolateAt(value.items[i], path + "[" + std::to_string(i) + "]", lookup, unset));
      }
      return Status::Ok();
    case Value::Kind::kMapping:
      for (Entry& entry : value.entries) {
        MB_RETURN_IF_ERROR(InterpolateAt(entry.value, path.empty() ? entry.key : path + "." + entry.key, lookup, unset));
      }
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

StatusOr<InterpolationResult> Interpolate(std::string_view text, const VariableLookup& lookup) {
  Interpolator interpolator(lookup);
  MB_ASSIGN_OR_RETURN(std::string out, interpolator.Run(text));
  return InterpolationResult{std::move(out), std::move(interpolator.unset)};
}

Status InterpolateTree(Value& value, const VariableLookup& lookup, const std::function<void(const std::string&)>& warn) {
  std::set<std::string> unset;
  MB_RETURN_IF_ERROR(InterpolateAt(value, "", lookup, unset));
  for (const std::string& name : unset) warn("the \"" + name + "\" variable is not set; defaulting to a blank string");
  return Status::Ok();
}

}  // namespace mybuild::compose
