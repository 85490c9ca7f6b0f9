# The config of a stage built on another stage of the same Dockerfile, as BuildKit's dockerfile2llb
# writes it: FROM scratch starts from emptyImage (image.go: WorkingDir "/", Env PATH only, no layers);
# EXPOSE words are sorted as written, before "$P" is expanded (parseExpose), so the history lists
# 8080/tcp and 9000/udp first; HEALTHCHECK NONE is Test ["NONE"]. The child stage clones the parent's
# config (dispatchState.init: ArgsEscaped from the parent's CMD stays, OnBuild is cleared) and runs the
# parent's ONBUILD triggers as its own instructions (commit 5d3589fe5, "fix running onbuild rules from
# inherited stages": LABEL from=onbuild, with its history entry). Its ENTRYPOINT resets the CMD, which
# was not set in this stage (dispatchEntrypoint, d.cmd is per stage), but not ArgsEscaped.
:
