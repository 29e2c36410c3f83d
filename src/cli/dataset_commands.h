// The catalog commands: `frocket register`, `list`, `info` and `unregister`. They work on the
// local catalog directory (--catalog DIR, else $FROCKET_CATALOG_DIR, else ~/.frocket) and print
// readable tables, or one JSON document with --json. docs/datasets.md describes them.
//
//   frocket register NAME BASEPATH --group-id-column C --timestamp-column T
//       [--timestamp-unit s|ms|us|ns] [--pattern GLOB] [--validation single|first_last|sample|all]
//       [--no-validate-uniques]
//   frocket list
//   frocket info NAME [--full]
//   frocket unregister NAME [--force]
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

void AddRegisterCommand(CLI::App& app);
void AddListCommand(CLI::App& app);
void AddInfoCommand(CLI::App& app);
void AddUnregisterCommand(CLI::App& app);

}  // namespace frocket::cli
