// The options of `mybuild build`, named and meant as in `docker buildx build`.
#ifndef MYBUILD_CLI_BUILD_OPTIONS_H_
#define MYBUILD_CLI_BUILD_OPTIONS_H_

#include <string>
#include <vector>

namespace mybuild::cli {

struct BuildOptions {
  std::string context = ".";
  std::string file;                      // -f; default CONTEXT/Dockerfile; "-" = stdin
  std::vector<std::string> tags;         // -t NAME[:TAG]
  std::vector<std::string> build_args;   // --build-arg K=V or K (from the environment)
  std::vector<std::string> labels;       // --label K=V
  std::string target;                    // --target STAGE
  std::vector<std::string> build_contexts;  // --build-context NAME=DIR|docker-image://REF
  bool pull = false;                     // --pull: pull every base image again
  std::vector<std::string> outputs;      // -o type=oci,dest=out.tar …
  bool push = false;                     // --push (shorthand for -o type=registry)
  bool no_cache = false;
  std::vector<std::string> no_cache_filter;
  std::vector<std::string> secrets;      // --secret id=…,src=… (secret_flags.h)
  std::vector<std::string> ssh;          // --ssh default|ID[=SOCKET]
  std::vector<std::string> cache_from;
  std::vector<std::string> cache_to;
  std::string iidfile;
  std::string metadata_file;
  std::string network = "default";
  std::vector<std::string> add_hosts;    // --add-host NAME:IP (every RUN's /etc/hosts)
  std::string platform;
  std::string progress = "auto";
  std::string snapshotter = "auto";      // overlay | native | auto
  int jobs = 0;                          // -j; 0 = number of CPUs
  bool keep_going = false;
  bool quiet = false;                    // -q: print only the image ID
  std::vector<std::string> ulimits;      // --ulimit NAME=SOFT[:HARD] (every RUN)
  std::string shm_size;                  // --shm-size (default 64m)
  std::string cgroup_parent;             // --cgroup-parent (cgroup v2)
  std::string call = "build";            // --call build|check|outline|targets[,format=json]; --check = --call=check
};

}  // namespace mybuild::cli

#endif  // MYBUILD_CLI_BUILD_OPTIONS_H_
