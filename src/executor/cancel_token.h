// The executor waits on the build's cancellation token (src/base/cancel_token.h): Run() polls its fd()
// next to the child's pipes, so a cancelled build stops a running RUN at once.
#ifndef MYBUILD_EXECUTOR_CANCEL_TOKEN_H_
#define MYBUILD_EXECUTOR_CANCEL_TOKEN_H_

#include "src/base/cancel_token.h"

namespace mybuild::executor {

using ::mybuild::CancelToken;

}  // namespace mybuild::executor

#endif  // MYBUILD_EXECUTOR_CANCEL_TOKEN_H_
