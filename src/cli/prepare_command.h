// `frocket prepare INPUT... --group-id-column C --timestamp-column T --files N --out DIR`:
// turns raw event data (CSV, JSON lines, Parquet) into a dataset of N Parquet files bucketed by
// group id and sorted by (group id, timestamp). The work is prepare/prepare.h's; this file maps
// flags to PrepareOptions, shows progress on a terminal, and prints the summary. See
// docs/prepare.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace frocket::cli {

// Registers the `prepare` subcommand on `app`.
void AddPrepareCommand(CLI::App& app);

// Parses a byte size: a number with an optional unit, case-insensitive: B, K/KiB, M/MiB,
// G/GiB, T/TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000); "512MB", "1GiB", "1.5G",
// "1048576". nullopt for anything else, and for sizes past 2^63.
std::optional<uint64_t> ParseByteSize(const std::string& text);

}  // namespace frocket::cli
