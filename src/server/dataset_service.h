// Registering and unregistering datasets in a metadata store: the one implementation behind
// the CLI's local mode and the API server.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog/dataset_info.h"
#include "catalog/dataset_registration.h"
#include "catalog/metadata_store.h"

namespace frocket::server {

struct RegisterOutcome {
  DatasetInfo info;
  bool replaced = false;  // a dataset of that name was registered before
  double seconds = 0;     // discovery and validation time
};

// Checks the name, discovers and validates the files (RegisterDataset) and stores the record,
// replacing any of the same name. Throws what RegisterDataset and the store throw.
RegisterOutcome RegisterAndStore(MetadataStore& store, const RegistrationRequest& request);

struct UnregisterOutcome {
  bool found = false;                // the dataset was registered (and now is not)
  bool refused = false;              // queried within the guard interval: nothing was removed
  std::optional<int64_t> last_used;  // unix seconds of the last query, when known
};

// Removes the record unless, without `force`, the dataset was queried less than
// `guard_seconds` before `now_unix` (then `refused`). An unknown name is not an error.
UnregisterOutcome UnregisterDataset(MetadataStore& store, const std::string& name, bool force,
                                    int64_t guard_seconds, int64_t now_unix);

// The register request from an API body. Names may be camelCase or snake_case (Funnel Rocket
// accepted both): name, basepath (or basePath, base_path), groupIdColumn, timestampColumn,
// timestampUnit (s|ms|us|ns, default ms), pattern, validationMode
// (SINGLE|FIRST_LAST|SAMPLE|ALL, any case), validateUniques. Throws ApiException 400 SCHEMA
// whose path names the field (a missing one, a wrong type, a bad value, an unknown key).
RegistrationRequest RegistrationRequestFromBody(const std::string& body);

}  // namespace frocket::server
