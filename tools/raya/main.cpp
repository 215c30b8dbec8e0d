// raya: the command-line front end (run, compile, disasm). See LANGUAGE.md.
#include <cstdio>

int main(int argc, char** argv) {
  std::fprintf(stderr, "usage: raya run|compile|disasm ...\n");
  return 64;
}
