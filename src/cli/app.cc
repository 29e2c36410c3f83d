#include "cli/app.h"

#include <CLI/CLI.hpp>

namespace frocket::cli {

int Run(int argc, char** argv) {
  CLI::App app{"frocket: user-centric analytics over bucketed Parquet datasets"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace frocket::cli
