#include "src/cli/app.h"

int main(int argc, char** argv) { return mybuild::cli::Main(argc, argv); }
