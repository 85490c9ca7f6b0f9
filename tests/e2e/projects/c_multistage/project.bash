# A C program built with gcc from apt in one stage and copied into a slim stage without gcc.
expect_output="greetings, world, from C built by gcc 12"  # after the edit
edit_project() { sed -i 's/hello, %s/greetings, %s/' "$1/hello.c"; }
expect_ran_after_edit='COPY hello.c ./
RUN gcc -O2 -Wall -Werror -o /usr/local/bin/hello hello.c
COPY --from=build /usr/local/bin/hello /usr/local/bin/hello'
check_image() {
  [ ! -e "$2/rootfs/usr/bin/gcc" ] && [ ! -e "$2/rootfs/src" ] || fail "the runtime stage has neither gcc nor the sources"
  pass "the runtime stage has neither gcc nor the sources"
}
