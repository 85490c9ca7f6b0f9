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
  CHECK(Mount("type=bind,target=/x,size=1m").status().message() ==
        "unexpected key 'size' for mount type 'bind' (size is for tmpfs mounts)");
  CHECK(Mount("type=bind,target=/x,mode=0700").status().message() ==
        "mode not allowed for \"bind\" type mounts (mode, uid and gid are for cache, secret and ssh mounts)");
  CHECK(Mount("type=cache,target=/x,sharing=maybe").status().message().rfind("unsupported sharing value", 0) == 0);
  CHECK(Mount("type=bind,target=/x,sharing=locked").status().message() ==
        "invalid cache sharing set for bind mount (sharing is for cache mounts)");
  CHECK(Mount("type=secret,from=x,id=a").status().message() == "secret mount should not have a from");
  CHECK(Mount("type=secret").status().message() == "invalid secret mount. one of source, target required");
  CHECK(Mount("target=/x,bogus").status().message() ==
        "invalid field 'bogus' must be a key=value pair (or one of readonly, ro, readwrite, rw, required)");
  CHECK(Mount("target=/x,uid=abc,type=cache").status().message() ==
        "invalid value abc for uid (expected a number from 0 to 4294967295)");
  CHECK(Mount("target=/x,color=red").status().message().rfind("unexpected key 'color' in 'color=red'", 0) == 0);
  CHECK(Mount("type=bind,from=$X,target=/x").status().message() ==
        "'from' doesn't support variable expansion, define alias stage instead");
}

TEST_CASE("RUN --mount: every bad option value is an error that says what was expected") {
  struct Case {
    const char* spec;
    const char* message;
  };
  const Case cases[] = {
      {"type=cache,target=/c,mode=0999", "invalid value 0999 for mode (expected an octal mode such as 0755)"},
      {"type=cache,target=/c,mode=", "invalid value  for mode (expected an octal mode such as 0755)"},
      {"type=cache,target=/c,uid=4294967296", "invalid value 4294967296 for uid (expected a number from 0 to 4294967295)"},
      {"type=cache,target=/c,gid=-1", "invalid value -1 for gid (expected a number from 0 to 4294967295)"},
      {"type=tmpfs,target=/t,size=abc", "invalid value for size: abc (expected a size such as 512k, 64m or 1g)"},
      {"type=tmpfs,target=/t,size=1x", "invalid value for size: 1x (expected a size such as 512k, 64m or 1g)"},
      {"type=cache,target=/c,ro=maybe", "invalid value for ro: maybe (expected true or false)"},
      {"type=bind,target=/c,rw=2", "invalid value for rw: 2 (expected true or false)"},
      {"type=secret,id=a,required=yes", "invalid value for required: yes (expected true or false)"},
      {"type=bind,target=/x,required", "unexpected key 'required' for mount type 'bind' (required is for secret and ssh mounts)"},
      {"type=cache,target=/x,required=true", "unexpected key 'required' for mount type 'cache' (required is for secret and ssh mounts)"},
      {"type=secret,id=a,size=1m", "unexpected key 'size' for mount type 'secret' (size is for tmpfs mounts)"},
      {"type=tmpfs,target=/t,uid=1", "uid not allowed for \"tmpfs\" type mounts (mode, uid and gid are for cache, secret and ssh mounts)"},
      {"type=bind,target=/x,gid=1", "gid not allowed for \"bind\" type mounts (mode, uid and gid are for cache, secret and ssh mounts)"},
      {"type=ssh,source=x", "ssh does not support source"},
      {"type=secret,id=a,sharing=shared", "secret mount should not define sharing"},
      {"type=secret,id=a,source=b", "both source and id can't be set"},
      {"type=tmpfs,target=/t,sharing=private", "invalid cache sharing set for tmpfs mount (sharing is for cache mounts)"},
      {"type=cache,target=/c,sharing=exclusive", "unsupported sharing value \"exclusive\" (expected shared, private or locked)"},
      {"type=volume,target=/c", "unsupported mount type \"volume\" (expected bind, cache, tmpfs, secret or ssh)"},
      {"type=cache,target=/c,nosuid", "invalid field 'nosuid' must be a key=value pair (or one of readonly, ro, readwrite, rw, required)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec);
    auto parsed = Mount(c.spec);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message() == c.message);
  }
}

TEST_CASE("RUN --mount: accepted spellings of every option") {
  CHECK(Mount("type=tmpfs,target=/t,size=64 MiB")->mount.size_bytes == 64 * 1024 * 1024);
  CHECK(Mount("type=tmpfs,target=/t,size=1.5k")->mount.size_bytes == 1536);
  CHECK(Mount("type=tmpfs,target=/t,size=100")->mount.size_bytes == 100);
  CHECK(Mount("type=tmpfs,target=/t,size=2GB")->mount.size_bytes == 2LL * 1024 * 1024 * 1024);
  CHECK(Mount("type=tmpfs,target=/t")->mount.readonly == false);
  CHECK(Mount("type=cache,target=/c,readonly")->mount.readonly);
  CHECK(Mount("type=cache,target=/c,ro=false")->mount.readonly == false);
  CHECK(Mount("type=cache,target=/c,readonly=TRUE")->mount.readonly);
  CHECK(Mount("type=bind,target=/c,readwrite")->mount.readonly == false);
  CHECK(Mount("type=bind,target=/c,rw=0")->mount.readonly);
  CHECK(Mount("type=bind,target=/c,rw=f")->mount.readonly);
  CHECK(Mount("type=cache,target=/c,mode=755")->mount.mode == 0755u);
  CHECK(Mount("type=cache,target=/c,uid=4294967295")->mount.uid == 4294967295u);
  CHECK(Mount("type=cache,target=/c,sharing=Locked")->mount.sharing == CacheSharing::kLocked);
  CHECK(Mount("type=cache,target=/c,sharing=private")->mount.sharing == CacheSharing::kPrivate);
  auto upper = Mount("TYPE=CACHE,TARGET=/c,ID=x,SRC=s");
  REQUIRE(upper.ok());  // keys and the type are case-insensitive, as in the reference
  CHECK(upper->mount.type == MountType::kCache);
  CHECK(upper->mount.id == "x");
  CHECK(upper->mount.source == "s");
  CHECK(Mount("type=bind,destination=/d,src=s")->mount.target == "/d");
  CHECK(Mount("type=bind,dst=/d")->mount.target == "/d");
  auto secret = Mount("type=secret,source=tok,dst=/etc/t,mode=0440,uid=1,gid=2,required=true");
  REQUIRE(secret.ok());
  CHECK(secret->mount.id == "tok");
  CHECK(secret->mount.mode == 0440u);
  CHECK(secret->mount.uid == 1u);
  CHECK(secret->mount.gid == 2u);
  CHECK(secret->mount.required);
  auto ssh = Mount("type=ssh,id=gh,target=/s,mode=0666,uid=3,required");
  REQUIRE(ssh.ok());
  CHECK(ssh->mount.mode == 0666u);
  CHECK(ssh->mount.required);
  CHECK(Mount("type=ssh")->mount.mode == 0600u);
}

}  // namespace mybuild::planner
