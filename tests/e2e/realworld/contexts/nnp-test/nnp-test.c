/* The context of moby's contrib/nnp-test/Dockerfile (written for this test): a setuid program that says
 * which effective user it runs as, to show whether no_new_privs stopped the setuid bit. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("EUID=%d\n", (int)geteuid());
  return 0;
}
