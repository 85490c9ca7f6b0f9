// The rules about EXPOSE ports and COPY/ADD sources.
#include "src/checks/check_rule.h"
#include "src/checks/stage_view.h"

namespace mybuild::checks {
namespace {

struct PortParts {
  std::string ip, host_port, proto;
};

// "[ip:][hostPort:]containerPort[/proto]" split as the reference's portSpecs.splitParts does.
PortParts SplitPort(const std::string& raw) {
  PortParts parts;
  std::string rest = raw;
  if (size_t slash = rest.rfind('/'); slash != std::string::npos) {
    parts.proto = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  const size_t last = rest.rfind(':');
  if (last == std::string::npos) return parts;
  const std::string before = rest.substr(0, last);  // "[ip:]hostPort"
  const size_t first = before.rfind(':');
  if (first == std::string::npos) {
    parts.host_port = before;
  } else {
    parts.ip = before.substr(0, first);
    parts.host_port = before.substr(first + 1);
  }
  return parts;
}

template <typename Report>
void ForEachPort(const CheckInput& input, Report report) {
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword != "expose") continue;
    for (const std::string& word : instruction.args) {
      if (word.find('$') == std::string::npos) report(instruction, word, SplitPort(word));
    }
  }
}

bool HasWildcard(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

}  // namespace

void CheckExposeProtoCasing(const CheckInput& input, std::vector<Finding>& out) {
  ForEachPort(input, [&](const frontend::Instruction& instruction, const std::string& raw, const PortParts& parts) {
    if (!IsLower(parts.proto)) {
      out.push_back({"ExposeProtoCasing", "Defined protocol '" + raw + "' in EXPOSE instruction should be lowercase", instruction.location});
    }
  });
}

void CheckExposeInvalidFormat(const CheckInput& input, std::vector<Finding>& out) {
  ForEachPort(input, [&](const frontend::Instruction& instruction, const std::string& raw, const PortParts& parts) {
    if (!parts.ip.empty() || !parts.host_port.empty()) {
      out.push_back({"ExposeInvalidFormat", "EXPOSE instruction should not define an IP address or host-port mapping, found '" + raw + "'",
                     instruction.location});
    }
  });
}

void CheckCopyIgnoredFile(const CheckInput& input, std::vector<Finding>& out) {
  if (input.dockerignore == nullptr || input.dockerignore->empty()) return;
  for (const frontend::Instruction& instruction : input.dockerfile->instructions) {
    if (instruction.keyword != "copy" && instruction.keyword != "add") continue;
    if (FlagValue(instruction.flags, "from")) continue;  // not from the context
    if (instruction.args.size() < 2) continue;
    const std::string verb = instruction.keyword == "copy" ? "Copy" : "Add";
    for (size_t i = 0; i + 1 < instruction.args.size(); ++i) {
      std::string source = instruction.args[i];
      if (source.rfind("<<", 0) == 0 || source.find("://") != std::string::npos || source.find('$') != std::string::npos ||
          HasWildcard(source)) {
        continue;
      }
      while (source.rfind("./", 0) == 0) source.erase(0, 2);
      while (!source.empty() && source[0] == '/') source.erase(0, 1);
      while (source.size() > 1 && source.back() == '/') source.pop_back();
      if (source.empty() || source == ".") continue;
      if (input.dockerignore->Excluded(source)) {
        out.push_back({"CopyIgnoredFile", "Attempting to " + verb + " file \"" + instruction.args[i] + "\" that is excluded by .dockerignore",
                       instruction.location});
      }
    }
  }
}

}  // namespace mybuild::checks
