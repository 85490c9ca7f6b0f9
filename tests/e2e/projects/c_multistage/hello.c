#include <stdio.h>

int main(int argc, char **argv) {
  const char *who = argc > 1 ? argv[1] : "nobody";
  printf("hello, %s, from C built by gcc %d\n", who, __GNUC__);
  return 0;
}
