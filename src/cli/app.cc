#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>

#include "cli/cat_command.h"
#include "cli/datagen_command.h"
#include "cli/dataset_commands.h"
#include "cli/inspect_command.h"
#include "cli/prepare_command.h"
#include "cli/query_command.h"
#include "cli/serve_command.h"
#include "cli/worker_command.h"
#include "common/error.h"

// The build may pass the project version; this fallback keeps a bare compile working.
#ifndef FROCKET_VERSION
#define FROCKET_VERSION "0.1.0"
#endif

namespace frocket::cli {
namespace {

using AddCommand = void (*)(CLI::App&);

// Every subcommand, in the order `frocket --help` lists them.
constexpr AddCommand kCommands[] = {
    AddInspectCommand,
    AddCatCommand,
    AddDatagenCommand,
    AddRegisterCommand,
    AddListCommand,
    AddInfoCommand,
    AddUnregisterCommand,
    AddPrepareCommand,
    AddQueryCommand,
    AddServeCommand,
    AddWorkerCommand,
};

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kCorruptFile:
    case ErrorKind::kNotSupported:
      return 2;
    case ErrorKind::kIo:
    case ErrorKind::kUnavailable:
    case ErrorKind::kTimeout:
    case ErrorKind::kInternal:
      return 1;
  }
  return 1;
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"frocket: user-centric analytics over bucketed Parquet datasets", "frocket"};
  app.set_version_flag("--version", std::string("frocket ") + FROCKET_VERSION);
  app.require_subcommand(1);
  for (AddCommand add : kCommands) add(app);
  // Commands run inside parse() (as subcommand callbacks), so this one try covers them too.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::fprintf(stderr, "frocket: %s\n", e.what());
    return ExitCodeFor(e.kind());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "frocket: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "frocket: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace frocket::cli
