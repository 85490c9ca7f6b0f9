FROM run-base:latest
RUN --mount=type=ssh,required test -S "$SSH_AUTH_SOCK" && echo "$SSH_AUTH_SOCK" >/ssh-sock
