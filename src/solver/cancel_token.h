// The solver shares one cancellation token (src/base/cancel_token.h) with the steps it runs: the first
// failure or a signal cancels it, and runners poll IsCancelled(), wait on fd() or register OnCancel().
#ifndef MYBUILD_SOLVER_CANCEL_TOKEN_H_
#define MYBUILD_SOLVER_CANCEL_TOKEN_H_

#include "src/base/cancel_token.h"

namespace mybuild::solver {

using ::mybuild::CancelToken;

}  // namespace mybuild::solver

#endif  // MYBUILD_SOLVER_CANCEL_TOKEN_H_
