// The `frocket` command line: parses flags into subcommands and runs them.
//
// Each subcommand lives in its own file (inspect_command.cc, cat_command.cc, ...) and exposes
// one registration function, `void AddXxxCommand(CLI::App& app)`, that adds the subcommand,
// its options and a callback doing the work. Adding a command means writing that file and
// adding its function to the list in app.cc; nothing else changes.
//
// Errors are caught here, in one place, and printed to stderr as "frocket: <message>":
//   - exit 2: frocket::Error of kind invalid argument, corrupt file or not supported (the
//     user's input is at fault);
//   - exit 1: I/O errors, internal errors and any other exception;
//   - usage errors (unknown flags, missing arguments) exit with CLI11's codes, after CLI11's
//     own message; --help and --version exit 0.
#pragma once

namespace frocket::cli {

int Run(int argc, char** argv);

}  // namespace frocket::cli
