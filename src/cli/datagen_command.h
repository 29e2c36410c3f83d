// `frocket datagen --rows N --users U --files F --out DIR [--seed S] [--start DATE] [--days D]
// [--row-group-rows R] [--codec zstd|snappy|none] [--threads T] [--overwrite]`: writes a
// synthetic, bucketed e-commerce activity dataset (src/datagen/datagen.h, docs/datagen.md).
//
// Progress goes to stderr as a line redrawn in place, only when stderr is a terminal; a
// one-line summary (rows, users, files, seconds, rows/s) is printed to stderr at the end
// either way.
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

// Registers the `datagen` subcommand on `app`.
void AddDatagenCommand(CLI::App& app);

}  // namespace frocket::cli
