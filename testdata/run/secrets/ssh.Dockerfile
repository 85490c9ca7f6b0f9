FROM run-base:latest
RUN --mount=type=ssh,required test -S "$SSH_AUTH_SOCK" && echo "$SSH_AUTH_SOCK" >/ssh-sock && \
    stat -c '%a %u:%g' "$SSH_AUTH_SOCK" >/ssh-stat
RUN --mount=type=ssh,id=other,target=/tmp/agent.sock,uid=1000,gid=50,mode=0660 \
    stat -c '%a %u:%g' /tmp/agent.sock >/ssh-stat-custom && echo "$SSH_AUTH_SOCK" >/ssh-sock-custom
