#include "src/engine/container_names.h"

#include <sys/random.h>

#include <array>
#include <string_view>

namespace mybuild::engine {
namespace {

constexpr std::array<std::string_view, 48> kAdjectives = {
    "agile",    "amazing",  "bold",     "brave",    "bright",   "calm",     "careful",  "charming",
    "clever",   "cool",     "curious",  "daring",   "eager",    "elegant",  "epic",     "fearless",
    "focused",  "friendly", "gentle",   "gifted",   "happy",    "honest",   "hopeful",  "humble",
    "jolly",    "keen",     "kind",     "lively",   "lucid",    "merry",    "modest",   "nifty",
    "patient",  "peaceful", "polite",   "practical","quick",    "quiet",    "relaxed",  "serene",
    "sharp",    "steady",   "sunny",    "swift",    "tender",   "tidy",     "vibrant",  "witty"};

constexpr std::array<std::string_view, 48> kSurnames = {
    "babbage",  "bohr",     "boole",    "carson",   "curie",    "darwin",   "dijkstra", "einstein",
    "euler",    "faraday",  "fermi",    "feynman",  "franklin", "galileo",  "gauss",    "goodall",
    "hamilton", "hawking",  "hertz",    "hopper",   "hypatia",  "johnson",  "kepler",   "knuth",
    "lamarr",   "lovelace", "maxwell",  "meitner",  "mendel",   "newton",   "noether",  "pascal",
    "pasteur",  "planck",   "ramanujan","ritchie",  "sagan",    "shannon",  "tesla",    "thompson",
    "torvalds", "turing",   "volta",    "wilson",   "wozniak",  "wright",   "yalow",    "zuse"};

constexpr int kPlainTries = 8;

}  // namespace

std::string GenerateContainerName(const std::function<uint32_t()>& random,
                                  const std::function<bool(const std::string&)>& taken) {
  for (int attempt = 0;; ++attempt) {
    std::string name = std::string(kAdjectives[random() % kAdjectives.size()]) + "_" +
                       std::string(kSurnames[random() % kSurnames.size()]);
    if (attempt >= kPlainTries) name += std::to_string(random() % (10u * static_cast<uint32_t>(attempt)));
    if (!taken(name)) return name;
  }
}

uint32_t KernelRandom() {
  uint32_t value = 0;
  while (getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value)) {
  }
  return value;
}

}  // namespace mybuild::engine
