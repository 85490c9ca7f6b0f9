# COPY --link --chown with a name fails in BuildKit: the copy's base is llb.Scratch(), so the ChownOpt's
# user has input index -1 and the file op refuses it (solver/llbsolver/ops/file.go processOwner:
# "invalid user index -1"); there is no /etc/passwd to look the name up in.
printf 't\n' >file.txt
