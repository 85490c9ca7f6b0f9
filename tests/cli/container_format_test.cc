#include "src/cli/container_format.h"

#include <doctest/doctest.h>

namespace mybuild::cli {
namespace {

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kNow = 1765108800 * kSecond;  // 2025-12-07T12:00:00Z

TEST_CASE("container format: STATUS as docker ps writes it") {
  engine::ContainerState state;
  CHECK(ContainerStatusText(state, kNow) == "Created");
  state.state = "running";
  state.started_at = "2025-12-07T11:59:57Z";
  CHECK(ContainerStatusText(state, kNow) == "Up 3 seconds");
  state.state = "exited";
  state.exit_code = 137;
  state.finished_at = "2025-12-07T11:55:00Z";
  CHECK(ContainerStatusText(state, kNow) == "Exited (137) 5 minutes ago");
}

TEST_CASE("container format: COMMAND is quoted and cut to 20 characters with an ellipsis") {
  CHECK(CommandText({"true"}) == "\"true\"");
  CHECK(CommandText({"sh", "-c", "echo hello; sleep 100"}) == "\"sh -c echo hello; s…\"");
  CHECK(CommandText({"12345678901234567890"}) == "\"12345678901234567890\"");
}

TEST_CASE("container format: the table has docker's columns") {
  engine::ContainerRecord record;
  record.id = "0123456789ab" + std::string(52, '0');
  record.image = "app:1";
  record.args = {"true"};
  record.created = "2025-12-07T11:00:00Z";
  record.name = "web";
  record.state.state = "exited";
  record.state.finished_at = "2025-12-07T11:59:58Z";
  CHECK(FormatContainerTable({record}, kNow) ==
        "CONTAINER ID   IMAGE     COMMAND   CREATED             STATUS                     PORTS     NAMES\n"
        "0123456789ab   app:1     \"true\"    About an hour ago   Exited (0) 2 seconds ago             web\n");
  record.args = {"sh", "-c", "echo hello; sleep 100"};
  std::string table = FormatContainerTable({record}, kNow);
  // The ellipsis is one character wide: the columns still line up.
  CHECK(table.find("COMMAND                  CREATED") != std::string::npos);
  CHECK(table.find("\"sh -c echo hello; s…\"   About") != std::string::npos);
}

}  // namespace
}  // namespace mybuild::cli
