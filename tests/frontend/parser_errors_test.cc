// Error values of the parser and of ValidateInstructions: "FILE:LINE:COL: message" with what was expected.
#include <doctest/doctest.h>

#include <string>

#include "src/frontend/parser.h"
#include "src/frontend/validate.h"

namespace mybuild::frontend {
namespace {

std::string ParseError(const std::string& text) {
  StatusOr<Dockerfile> parsed = ParseDockerfile(text, "Dockerfile");
  REQUIRE_FALSE(parsed.ok());
  return parsed.status().ToString();
}

std::string ValidationError(const std::string& text) {
  StatusOr<Dockerfile> parsed = ParseDockerfile(text, "Dockerfile");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  const Status status = ValidateInstructions(*parsed);
  REQUIRE_FALSE(status.ok());
  return status.ToString();
}

TEST_CASE("parser errors: located, saying what was expected") {
  CHECK(ParseError("FROM a\nENV PATH\n") == "Dockerfile:2:1: ENV must have two arguments");
  CHECK(ParseError("FROM a\n  LABEL a=b c\n") ==
        "Dockerfile:2:3: Syntax error - can't find = in \"c\". Must be of the form: name=value");
  CHECK(ParseError("FROM a\nCMD [ \"echo\", [ \"nested\" ] ]\n") ==
        "Dockerfile:2:1: when using JSON array syntax, arrays must be comprised of strings only");
  CHECK(ParseError("# escape=x\nFROM a\n") == "Dockerfile:1:1: invalid escape token 'x' does not match ` or \\");
  CHECK(ParseError("# escape=\\\n# Escape=`\nFROM a\n") ==
        "Dockerfile:2:1: only one escape parser directive can be used");
  CHECK(ParseError("FROM a\nRUN <<EOF\necho hi\n") ==
        "Dockerfile:2:1: unterminated heredoc <<EOF: expected a line \"EOF\" before the end of the file");
  CHECK(ParseError("").find("file with no instructions") != std::string::npos);
  CHECK(ParseError("# only\n\n   # comments\n") ==
        "Dockerfile:3: file with no instructions: expected at least one instruction such as FROM");
}

TEST_CASE("parser errors: the error of a multi-line instruction points at its first line") {
  StatusOr<Dockerfile> parsed = ParseDockerfile("FROM a\nENV \\\n  # comment\n  PATH\n", "Dockerfile");
  REQUIRE_FALSE(parsed.ok());
  REQUIRE(parsed.status().location().has_value());
  CHECK(parsed.status().location()->line == 2);
  CHECK(parsed.status().location()->end_line == 4);
}

TEST_CASE("validate: unknown instructions suggest the closest keyword") {
  CHECK(ValidationError("FROM a\nRUNN echo\n") == "Dockerfile:2:1: unknown instruction: RUNN (did you mean RUN?)");
  CHECK(ValidationError("FROM a\n  runn echo\n") == "Dockerfile:2:3: unknown instruction: runn (did you mean run?)");
  CHECK(ValidationError("FROM a\nCOPPY a b\n") == "Dockerfile:2:1: unknown instruction: COPPY (did you mean COPY?)");
  CHECK(ValidationError("FROM a\nXYZZY a\n") == "Dockerfile:2:1: unknown instruction: XYZZY");
  CHECK(SuggestInstruction("Entrypont") == "ENTRYPOINT");
  CHECK(SuggestInstruction("workdri") == "workdir");
  CHECK(SuggestInstruction("RUN").empty());
  CHECK(SuggestInstruction("completely-different").empty());
}

TEST_CASE("validate: argument counts") {
  CHECK(ValidationError("FROM\n") == "Dockerfile:1:1: FROM requires at least one argument");
  CHECK(ValidationError("FROM a b\n") == "Dockerfile:1:1: FROM requires either one or three arguments");
  CHECK(ValidationError("FROM a\nCOPY onlyone\n") ==
        "Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. Destination could "
        "not be determined");
  CHECK(ValidationError("FROM a\nWORKDIR\n") == "Dockerfile:2:1: WORKDIR requires exactly one argument");
  CHECK(ValidationError("FROM a\nEXPOSE\n") == "Dockerfile:2:1: EXPOSE requires at least one argument");
  CHECK(ValidationError("FROM a\nENV\n") == "Dockerfile:2:1: ENV requires at least one argument");
  CHECK(ValidationError("FROM a\nARG\n") == "Dockerfile:2:1: ARG requires at least one argument");
  CHECK(ValidationError("FROM a\nVOLUME [\"\"]\n") == "Dockerfile:2:1: VOLUME specified can not be an empty string");
  CHECK(ValidationError("FROM a\nSHELL /bin/sh -c\n") ==
        "Dockerfile:2:1: SHELL requires the arguments to be in JSON form");
  CHECK(ValidationError("FROM a\nHEALTHCHECK NONE x\n") == "Dockerfile:2:1: HEALTHCHECK NONE takes no arguments");
  CHECK(ValidationError("FROM a\nHEALTHCHECK CMD\n") == "Dockerfile:2:1: Missing command after HEALTHCHECK CMD");
  CHECK(ValidationError("FROM a\nHEALTHCHECK FOO x\n") ==
        "Dockerfile:2:1: Unknown type \"FOO\" in HEALTHCHECK (try CMD)");
}

TEST_CASE("validate: ONBUILD restrictions") {
  CHECK(ValidationError("FROM a\nONBUILD ONBUILD RUN x\n") ==
        "Dockerfile:2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  CHECK(ValidationError("FROM a\nONBUILD FROM b\n") == "Dockerfile:2:1: FROM isn't allowed as an ONBUILD trigger");
  CHECK(ValidationError("FROM a\nonbuild maintainer me\n") ==
        "Dockerfile:2:1: MAINTAINER isn't allowed as an ONBUILD trigger");
  CHECK(ValidationError("FROM a\nONBUILD\n") == "Dockerfile:2:1: ONBUILD requires at least one argument");
  CHECK(ValidationError("FROM a\nONBUILD RUNN x\n") ==
        "Dockerfile:2:1: unknown instruction: RUNN (did you mean RUN?)");
}

TEST_CASE("validate: a well-formed file passes") {
  StatusOr<Dockerfile> parsed = ParseDockerfile(
      "# syntax=docker/dockerfile:1\nARG BASE=alpine\nFROM ${BASE} AS build\nRUN <<EOF\necho hi\nEOF\n"
      "COPY --from=build /a /b\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN make\nCMD []\nENTRYPOINT\n"
      "SHELL [\"/bin/bash\", \"-c\"]\nUSER me\nSTOPSIGNAL SIGTERM\nLABEL a=b\nEXPOSE 80\nVOLUME /data\n"
      "ENV A=1\nWORKDIR /w\nMAINTAINER me\nADD a b\n");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  const Status status = ValidateInstructions(*parsed);
  CHECK_MESSAGE(status.ok(), status.ToString());
}

}  // namespace
}  // namespace mybuild::frontend
