// `frocket inspect FILE [--json]`: prints what a Parquet file's footer says (sizes, schema,
// row groups, column chunks with codecs, encodings and statistics) without reading any data
// page. See docs/cli.md for the output.
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

// Registers the `inspect` subcommand on `app`.
void AddInspectCommand(CLI::App& app);

}  // namespace frocket::cli
