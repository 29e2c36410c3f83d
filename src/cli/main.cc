#include "cli/app.h"
#include "common/allocator.h"

int main(int argc, char** argv) {
  frocket::TuneAllocator();
  return frocket::cli::Run(argc, argv);
}
