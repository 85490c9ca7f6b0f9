#include "src/base/cancel_token.h"

#include <doctest/doctest.h>
#include <poll.h>

namespace mybuild {
namespace {

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

TEST_CASE("cancel token: fd becomes readable on Cancel and stays readable") {
  CancelToken token;
  REQUIRE(token.fd() >= 0);
  CHECK(!Readable(token.fd()));
  token.Cancel();
  token.Cancel();  // idempotent
  CHECK(token.IsCancelled());
  CHECK(Readable(token.fd()));
  CHECK(Readable(token.fd()));  // a second waiter sees it too
}

// Callbacks and registrations are covered in tests/solver/solver_test.cc.

}  // namespace
}  // namespace mybuild
