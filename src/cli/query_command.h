// `frocket query NAME (--file Q.json | --string JSON | --empty) [--format table|json]
//  [--threads N] [--scan-only]`: runs a query over a registered dataset on this machine and
// prints the result (docs/query-language.md, docs/cli.md). A progress bar goes to stderr when
// it is a terminal. Exit codes: 0 success, 2 an invalid query (or unknown dataset), 1 a
// storage or internal failure. With --format json, stdout holds exactly the result document
// (also the error document when the query fails).
#pragma once

namespace CLI {
class App;
}

namespace frocket::cli {

void AddQueryCommand(CLI::App& app);

}  // namespace frocket::cli
