// Step 6 of loading (project_loader.h): profiles and the consistency of the services.
#ifndef MYBUILD_COMPOSE_PROJECT_CHECKS_H_
#define MYBUILD_COMPOSE_PROJECT_CHECKS_H_

#include <string>
#include <vector>

#include "src/base/status.h"
#include "src/compose/project.h"

namespace mybuild::compose {

// Removes the services whose `profiles` are all disabled from `project.model` (into
// `project.disabled_services`). A service without profiles is always enabled; "*" enables all.
void ApplyProfiles(Project& project, const std::vector<std::string>& enabled);

// Every service has an image or a build; depends_on and `service:NAME` build contexts name enabled
// services (a disabled one is named as such) and form no cycle ("dependency cycle detected: a -> b -> a").
Status CheckServices(const Project& project);

}  // namespace mybuild::compose

#endif  // MYBUILD_COMPOSE_PROJECT_CHECKS_H_
