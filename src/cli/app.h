// The `frocket` command line: parses flags into subcommands and runs them. Each subcommand
// lives in its own file (inspect_command.cc, cat_command.cc, ...); errors are caught here and
// printed as "frocket: <message>" with exit code 2 for user errors and bad files, 1 otherwise.
#pragma once

namespace frocket::cli {

int Run(int argc, char** argv);

}  // namespace frocket::cli
