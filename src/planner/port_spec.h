// EXPOSE port specifications → the keys of the image config's ExposedPorts, as the reference does it:
// "80" → "80/tcp", "53/UDP" → "53/udp", "8000-8002" → three ports, "ip:host:container" keeps only the
// container part. Protocols: tcp, udp, sctp.
#ifndef MYBUILD_PLANNER_PORT_SPEC_H_
#define MYBUILD_PLANNER_PORT_SPEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace mybuild::planner {

// The normalised "port/proto" entries of one specification, in ascending port order. Errors say what
// was wrong and quote the specification: `invalid port: "8o": invalid containerPort: 8o`.
StatusOr<std::vector<std::string>> ParsePortSpec(std::string_view spec);

}  // namespace mybuild::planner

#endif  // MYBUILD_PLANNER_PORT_SPEC_H_
