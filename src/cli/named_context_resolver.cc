#include "src/cli/named_context_resolver.h"

#include "src/cli/registry_access.h"
#include "src/image/reference.h"

namespace mybuild::cli {

const compose::NamedContext* NamedContextResolver::Named(const std::string& reference) const {
  auto found = contexts_.find(reference);
  return found == contexts_.end() ? nullptr : &found->second;
}

std::string NamedContextResolver::StoreReference(const std::string& reference) const {
  const compose::NamedContext* named = Named(reference);
  return named != nullptr && named->kind == compose::NamedContext::Kind::kImage ? named->value : reference;
}

Status NamedContextResolver::PullIfAsked(const std::string& reference) {
  if (!pull_) return Status::Ok();
  MB_ASSIGN_OR_RETURN(std::string normalized, image::NormalizeReference(reference));
  if (shared_.pulled.count(normalized)) return Status::Ok();
  StatusOr<Digest> pulled = PullForBuild(*shared_.blobs, *shared_.images, normalized);
  if (!pulled.ok()) return pulled.status().WithContext(pull_origin_ + ": pulling " + normalized);
  shared_.pulled.insert(normalized);
  return Status::Ok();
}

void NamedContextResolver::PinPlaceholder(const std::string& reference, const std::string& placeholder) {
  // A digest of its own per placeholder: the lowering keys image vertices by digest and platform.
  placeholders_[reference] = planner::PinnedImage{placeholder, "sha256:" + Digest::Of(placeholder).hex()};
}

StatusOr<planner::ImageConfig> NamedContextResolver::Resolve(const std::string& reference,
                                                              const planner::Platform& platform) {
  if (const compose::NamedContext* named = Named(reference)) {
    switch (named->kind) {
      case compose::NamedContext::Kind::kService: {
        auto config = shared_.service_configs.find(named->value);
        if (config == shared_.service_configs.end()) {
          return Internal("service \"" + named->value + "\" is used before it is planned");
        }
        PinPlaceholder(reference, kServicePlaceholder + named->value);
        return config->second;
      }
      case compose::NamedContext::Kind::kDirectory:
        return InvalidArgument("FROM " + reference + ": the build context \"" + reference +
                               "\" is a directory; FROM needs an image (docker-image://) or service: context "
                               "(COPY --from=" + reference + " reads a directory)");
      case compose::NamedContext::Kind::kImage:
        break;
    }
  }
  const std::string image = StoreReference(reference);
  MB_RETURN_IF_ERROR(PullIfAsked(image));
  MB_ASSIGN_OR_RETURN(planner::ImageConfig config, shared_.store->Resolve(image, platform));
  if (image != reference) aliases_[reference] = image;
  return config;
}

Status NamedContextResolver::PinReference(const std::string& reference) {
  if (const compose::NamedContext* named = Named(reference)) {
    if (named->kind == compose::NamedContext::Kind::kService) {
      PinPlaceholder(reference, kServicePlaceholder + named->value);
      return Status::Ok();
    }
    if (named->kind == compose::NamedContext::Kind::kDirectory) {
      PinPlaceholder(reference, kContextPlaceholder + reference);
      return Status::Ok();
    }
  }
  const std::string image = StoreReference(reference);
  MB_RETURN_IF_ERROR(PullIfAsked(image));
  MB_RETURN_IF_ERROR(shared_.store->PinReference(image));
  if (image != reference) aliases_[reference] = image;
  return Status::Ok();
}

const std::map<std::string, planner::PinnedImage>& NamedContextResolver::Pinned() const {
  pinned_ = shared_.store->Pinned();
  for (const auto& [name, image] : aliases_) {
    if (auto found = pinned_.find(image); found != pinned_.end()) pinned_[name] = found->second;
  }
  for (const auto& [name, placeholder] : placeholders_) pinned_[name] = placeholder;
  return pinned_;
}

const image::StoredImage* NamedContextResolver::FindImage(const std::string& reference) const {
  if (const compose::NamedContext* named = Named(reference); named != nullptr && named->kind == compose::NamedContext::Kind::kService) {
    auto found = shared_.built_images.find(named->value);
    return found == shared_.built_images.end() ? nullptr : &found->second;
  }
  return shared_.store->FindImage(StoreReference(reference));
}

}  // namespace mybuild::cli
