# The image config and history as BuildKit's dockerfile2llb (convert.go) writes them, field by field:
# the base's missing PATH is added (DefaultPathEnv); ENV and LABEL values see the ARG (ENV C=1-1.2);
# EXPOSE words are sorted as written, before expansion (instructions/parse.go parseExpose), protocols
# lower-cased; VOLUME, USER, STOPSIGNAL, SHELL as given; HEALTHCHECK durations in nanoseconds with
# StartInterval 0 left out (omitempty); CMD sets ArgsEscaped (dispatchCmd, every platform) and is kept
# by the later ENTRYPOINT (set in this stage); ONBUILD is stored and makes no history entry
# (dispatchOnbuild). History: config-only instructions are empty_layer (commitToHistory withLayer
# false); every WORKDIR other than "/" is a mkdir file op and so a layer, even when the directory
# exists, and so is RUN true: since BuildKit v0.10 (commit d67243ed0, "Fix invalid layer index error")
# an empty diff stays a layer and its history entry is not empty_layer (dockerfile_history_test.go
# expects RUN ls to be a layer). RUN entries name the stage's build args ("|1 BUILDVER=1.2",
# runCommandString) and end in " # buildkit".
:
