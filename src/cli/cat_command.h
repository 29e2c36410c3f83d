// `frocket cat FILE [--columns a,b] [--limit N] [--format csv|jsonl]`: prints the rows of a
// Parquet file, and nothing else, on stdout, one row group at a time. Value texts follow
// parquet/value_text.h. See docs/cli.md.
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

// Registers the `cat` subcommand on `app`.
void AddCatCommand(CLI::App& app);

}  // namespace frocket::cli
