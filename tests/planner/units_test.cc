// The small value parsers of the planner: platforms, Go durations, EXPOSE specs, --chmod, flags, mounts.
#include "src/planner/file_mode.h"
#include "src/planner/go_duration.h"
#include "src/planner/instruction_flags.h"
#include "src/planner/platform.h"
#include "src/planner/port_spec.h"
#include "src/planner/run_mount.h"
#include "tests/test_support.h"

namespace mybuild::planner {
namespace {

std::vector<std::string> Ports(const std::string& spec) {
  auto ports = ParsePortSpec(spec);
  REQUIRE_MESSAGE(ports.ok(), ports.status().ToString());
  return *ports;
}

StatusOr<ParsedRunMount> Mount(const std::string& spec) {
  return ParseRunMount(spec, [](const std::string& v) -> StatusOr<std::string> { return v; }, 0);
}

}  // namespace

TEST_CASE("platform parsing normalises like containerd") {
  CHECK(ParsePlatform("linux/amd64")->ToString() == "linux/amd64");
  CHECK(ParsePlatform("linux/x86_64")->ToString() == "linux/amd64");
  CHECK(ParsePlatform("linux/aarch64")->ToString() == "linux/arm64");
  CHECK(ParsePlatform("linux/arm64/v8")->ToString() == "linux/arm64");
  CHECK(ParsePlatform("linux/arm")->ToString() == "linux/arm/v7");
  CHECK(ParsePlatform("linux/arm/v6")->ToString() == "linux/arm/v6");
  CHECK(ParsePlatform("arm64")->ToString() == "linux/arm64");
  CHECK(ParsePlatform("LINUX/AMD64")->ToString() == "linux/amd64");
  CHECK_FALSE(ParsePlatform("linux/").ok());
  CHECK_FALSE(ParsePlatform("a/b/c/d").ok());
  CHECK_FALSE(ParsePlatform("plan10/amd64").ok());
  CHECK(ParsePlatform("bogus//x").status().message().find("expected os/arch") != std::string::npos);
  Platform host = HostPlatform();
  CHECK(host.os == "linux");
  CHECK_FALSE(host.architecture.empty());
}

TEST_CASE("Go durations parse and format as Go does") {
  CHECK(*ParseGoDuration("30s") == 30'000'000'000LL);
  CHECK(*ParseGoDuration("1m30s") == 90'000'000'000LL);
  CHECK(*ParseGoDuration("1.5h") == 5'400'000'000'000LL);
  CHECK(*ParseGoDuration("300ms") == 300'000'000LL);
  CHECK(*ParseGoDuration("10us") == 10'000LL);
  CHECK(*ParseGoDuration("10\xC2\xB5s") == 10'000LL);
  CHECK(*ParseGoDuration("0") == 0);
  CHECK(*ParseGoDuration("-2s") == -2'000'000'000LL);
  CHECK(*ParseGoDuration(".5s") == 500'000'000LL);
  CHECK(ParseGoDuration("1").status().message() == "time: missing unit in duration \"1\"");
  CHECK(ParseGoDuration("5x").status().message() == "time: unknown unit \"x\" in duration \"5x\"");
  CHECK(ParseGoDuration("").status().message() == "time: invalid duration \"\"");
  CHECK(ParseGoDuration("s").status().message() == "time: invalid duration \"s\"");
  CHECK_FALSE(ParseGoDuration("99999999999h").ok());

  CHECK(FormatGoDuration(0) == "0s");
  CHECK(FormatGoDuration(30'000'000'000LL) == "30s");
  CHECK(FormatGoDuration(90'000'000'000LL) == "1m30s");
  CHECK(FormatGoDuration(3'600'000'000'000LL) == "1h0m0s");
  CHECK(FormatGoDuration(1'500'000'000LL) == "1.5s");
  CHECK(FormatGoDuration(1'500'000LL) == "1.5ms");
  CHECK(FormatGoDuration(10'000LL) == "10\xC2\xB5s");
  CHECK(FormatGoDuration(7) == "7ns");
  CHECK(FormatGoDuration(-2'000'000'000LL) == "-2s");
}

TEST_CASE("EXPOSE specifications normalise to port/proto") {
  CHECK(Ports("80") == std::vector<std::string>{"80/tcp"});
  CHECK(Ports("53/udp") == std::vector<std::string>{"53/udp"});
  CHECK(Ports("53/UDP") == std::vector<std::string>{"53/udp"});
  CHECK(Ports("132/sctp") == std::vector<std::string>{"132/sctp"});
  CHECK(Ports("8000-8002") == std::vector<std::string>{"8000/tcp", "8001/tcp", "8002/tcp"});
  CHECK(Ports("7000-7000/udp") == std::vector<std::string>{"7000/udp"});
  CHECK(Ports("8080:80") == std::vector<std::string>{"80/tcp"});
  CHECK(Ports("127.0.0.1:8080:80/udp") == std::vector<std::string>{"80/udp"});
  CHECK_FALSE(ParsePortSpec("80/icmp").ok());
  CHECK_FALSE(ParsePortSpec("8o").ok());
  CHECK_FALSE(ParsePortSpec("70000").ok());
  CHECK_FALSE(ParsePortSpec("9-1").ok());
  CHECK_FALSE(ParsePortSpec("/tcp").ok());
  CHECK_FALSE(ParsePortSpec("300.1.1.1:80:80").ok());
  CHECK(ParsePortSpec("80/icmp").status().message().find("invalid proto: icmp") != std::string::npos);
}

TEST_CASE("--chmod accepts octal up to 07777 and symbolic modes") {
  CHECK(ParseChmod("755")->is_octal);
  CHECK(ParseChmod("755")->octal == 0755);
  CHECK(ParseChmod("0644")->octal == 0644);
  CHECK(ParseChmod("7777")->octal == 07777);
  CHECK(ParseChmod("u+x")->symbolic == "u+x");
  CHECK(ParseChmod("go-w,a+r")->symbolic == "go-w,a+r");
  CHECK(ParseChmod("u=rwX,g=u")->symbolic == "u=rwX,g=u");
  CHECK(ParseChmod("+x")->symbolic == "+x");
  CHECK(ParseChmod("10000").status().message() ==
        "invalid chmod parameter: '10000'. it should be octal string and between 0 and 07777");
  CHECK(ParseChmod("9").status().message() ==
        "invalid chmod parameter: '9'. it should be octal string and between 0 and 07777");
  CHECK_FALSE(ParseChmod("u+q").ok());
  CHECK_FALSE(ParseChmod("rwx").ok());
  CHECK_FALSE(ParseChmod("u+x,").ok());
  CHECK_FALSE(ParseChmod("").ok());
}

TEST_CASE("instruction flags follow the reference's BFlags") {
  InstructionFlags flags;
  flags.AddString("from");
  flags.AddBool("link");
  flags.AddStrings("exclude");
  REQUIRE(flags.Parse({"--from=builder", "--link", "--exclude=a", "--exclude=b"}).ok());
  CHECK(flags.Value("from") == "builder");
  CHECK(flags.IsTrue("link"));
  CHECK(flags.Values("exclude") == std::vector<std::string>{"a", "b"});

  InstructionFlags f2;
  f2.AddString("from");
  CHECK(f2.Parse({"--foo"}).message().rfind("unknown flag: --foo", 0) == 0);
  InstructionFlags f3;
  f3.AddString("from");
  CHECK(f3.Parse({"--from=a", "--from=b"}).message() == "duplicate flag specified: --from");
  InstructionFlags f4;
  f4.AddString("from");
  CHECK(f4.Parse({"--from"}).message() == "missing a value on flag: --from");
  InstructionFlags f5;
  f5.AddBool("link");
  CHECK(f5.Parse({"--link=maybe"}).message() == "expecting boolean value for flag --link, not: maybe");
  InstructionFlags f6;
  f6.AddBool("link");
  REQUIRE(f6.Parse({"--link=false"}).ok());
  CHECK(f6.Used("link"));
  CHECK_FALSE(f6.IsTrue("link"));
  InstructionFlags none;
  CHECK(none.Parse({"--x=1"}).message() == "unknown flag: --x");
}

TEST_CASE("RUN --mount values get the reference's defaults") {
  auto bind = Mount("type=bind,target=/src,source=app");
  REQUIRE(bind.ok());
  CHECK(bind->mount.type == MountType::kBind);
  CHECK(bind->mount.readonly);
  CHECK(bind->mount.source == "app");
  CHECK(Mount("target=/src,rw")->mount.readonly == false);
  CHECK(Mount("target=/src,readwrite=true")->mount.readonly == false);

  auto cache = Mount("type=cache,target=/root/.cache,sharing=locked,id=go,mode=0700,uid=1000,gid=1000");
  REQUIRE(cache.ok());
  CHECK(cache->mount.type == MountType::kCache);
  CHECK_FALSE(cache->mount.readonly);
  CHECK(cache->mount.sharing == CacheSharing::kLocked);
  CHECK(cache->mount.id == "go");
  CHECK(cache->mount.mode == 0700u);
  CHECK(cache->mount.uid == 1000u);

  auto tmpfs = Mount("type=tmpfs,dst=/tmp,size=64m");
  REQUIRE(tmpfs.ok());
  CHECK(tmpfs->mount.size_bytes == 64 * 1024 * 1024);

  auto secret = Mount("type=secret,id=npmrc");
  REQUIRE(secret.ok());
  CHECK(secret->mount.target == "/run/secrets/npmrc");
  CHECK(secret->mount.readonly);
  CHECK_FALSE(secret->mount.required);
  auto secret_target = Mount("type=secret,target=/etc/token,required");
  CHECK(secret_target->mount.id == "token");
  CHECK(secret_target->mount.required);
  auto secret_env = Mount("type=secret,id=tok,env=TOKEN");
  CHECK(secret_env->mount.target.empty());
  CHECK(secret_env->mount.env == "TOKEN");

  auto ssh = ParseRunMount("type=ssh", [](const std::string& v) -> StatusOr<std::string> { return v; }, 2);
  CHECK(ssh->mount.id == "default");
  CHECK(ssh->mount.target == "/run/buildkit/ssh_agent.2");

  auto from = Mount("type=bind,from=builder,source=/out,target=/in");
  CHECK(from->from == "builder");
  CHECK(RunMountFrom("type=bind,FROM=x,target=/y") == "x");
  CHECK(SplitCsv("\"a=b,c\",d") == std::vector<std::string>{"a=b,c", "d"});
  CHECK(SplitCsv("\"x\"\"y\"") == std::vector<std::string>{"x\"y"});

  CHECK(Mount("type=nfs,target=/x").status().message().rfind("unsupported mount type \"nfs\"", 0) == 0);
  CHECK(Mount("type=bind,target=/x,size=1m").status().message() == "unexpected key 'size' for mount type 'bind'");
  CHECK(Mount("type=bind,target=/x,mode=0700").status().message() == "mode not allowed for \"bind\" type mounts");
  CHECK(Mount("type=cache,target=/x,sharing=maybe").status().message().rfind("unsupported sharing value", 0) == 0);
  CHECK(Mount("type=bind,target=/x,sharing=locked").status().message() == "invalid cache sharing set for bind mount");
  CHECK(Mount("type=secret,from=x,id=a").status().message() == "secret mount should not have a from");
  CHECK(Mount("type=secret").status().message() == "invalid secret mount. one of source, target required");
  CHECK(Mount("target=/x,bogus").status().message() == "invalid field 'bogus' must be a key=value pair");
  CHECK(Mount("target=/x,uid=abc,type=cache").status().message() == "invalid value abc for uid");
  CHECK(Mount("target=/x,color=red").status().message().rfind("unexpected key 'color' in 'color=red'", 0) == 0);
  CHECK(Mount("type=bind,from=$X,target=/x").status().message() ==
        "'from' doesn't support variable expansion, define alias stage instead");
}

}  // namespace mybuild::planner
