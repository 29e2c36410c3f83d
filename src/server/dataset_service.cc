#include "server/dataset_service.h"

#include <chrono>

#include "catalog/schema_mapping.h"
#include "common/error.h"
#include "server/api_errors.h"

namespace frocket::server {

RegisterOutcome RegisterAndStore(MetadataStore& store, const RegistrationRequest& request) {
  CheckDatasetName(request.name);
  const auto start = std::chrono::steady_clock::now();
  RegisterOutcome outcome;
  outcome.info = RegisterDataset(request);
  // Only to tell the user; another process may still replace it between this and Put.
  try {
    outcome.replaced = store.Get(request.name).has_value();
  } catch (const Error& e) {
    // An unreadable old record is replaced all the same: registering is how to repair it. An
    // unreachable store is another matter: Put would fail the same way, so say it now.
    if (e.kind() == ErrorKind::kUnavailable) throw;
    outcome.replaced = true;
  }
  store.Put(outcome.info);
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

UnregisterOutcome UnregisterDataset(MetadataStore& store, const std::string& name, bool force,
                                    int64_t guard_seconds, int64_t now_unix) {
  UnregisterOutcome outcome;
  outcome.last_used = store.LastUsed(name);
  if (!force && guard_seconds > 0 && outcome.last_used &&
      now_unix - *outcome.last_used < guard_seconds) {
    // Reading the record only to say whether it exists; a damaged one counts as existing.
    try {
      outcome.found = store.Get(name).has_value();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kUnavailable) throw;
      outcome.found = true;
    }
    outcome.refused = outcome.found;
    if (outcome.refused) return outcome;
  }
  outcome.found = store.Delete(name);
  return outcome;
}

namespace {

using Json = nlohmann::json;

[[noreturn]] void BadField(const std::string& field, const std::string& message) {
  throw ApiException(MakeApiError("SCHEMA", message, "/" + field));
}

}  // namespace

RegistrationRequest RegistrationRequestFromBody(const std::string& body) {
  Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    throw ApiException(MakeApiError("SCHEMA", "the request body is not valid JSON", ""));
  }
  if (!doc.is_object()) {
    throw ApiException(MakeApiError("SCHEMA", "the request body must be a JSON object", ""));
  }
  // Each field's spellings; the first is the one error messages use.
  struct Field {
    const char* names[3];
    bool required;
  };
  static const Field kFields[] = {
      {{"name", nullptr, nullptr}, true},
      {{"basepath", "basePath", "base_path"}, true},
      {{"groupIdColumn", "group_id_column", nullptr}, true},
      {{"timestampColumn", "timestamp_column", nullptr}, true},
      {{"timestampUnit", "timestamp_unit", nullptr}, false},
      {{"pattern", nullptr, nullptr}, false},
      {{"validationMode", "validation_mode", nullptr}, false},
      {{"validateUniques", "validate_uniques", nullptr}, false},
  };
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    bool known = false;
    for (const Field& f : kFields) {
      for (const char* n : f.names) known = known || (n && it.key() == n);
    }
    if (!known) BadField(it.key(), "unknown field '" + it.key() + "' in the register body");
  }
  // The value of a field under whichever spelling the body used (the key used goes in `key`).
  auto find = [&doc](const Field& f, std::string* key) -> const Json* {
    for (const char* n : f.names) {
      if (n && doc.contains(n)) {
        *key = n;
        return &doc[n];
      }
    }
    *key = f.names[0];
    return nullptr;
  };
  std::string key;  // the spelling of the field last read
  auto string_field = [&](const Field& f, std::string* out) {
    const Json* v = find(f, &key);
    if (!v) {
      if (f.required) BadField(key, "'" + key + "' is missing from the register body");
      return false;
    }
    if (!v->is_string()) BadField(key, "'" + key + "' must be a string");
    *out = v->get<std::string>();
    if (f.required && out->empty()) BadField(key, "'" + key + "' must not be empty");
    return true;
  };

  RegistrationRequest request;
  string_field(kFields[0], &request.name);
  try {
    CheckDatasetName(request.name);
  } catch (const Error& e) {
    BadField("name", e.what());
  }
  string_field(kFields[1], &request.base_path);
  string_field(kFields[2], &request.group_id_column);
  string_field(kFields[3], &request.timestamp_column);
  std::string text;
  if (string_field(kFields[4], &text)) {
    try {
      request.timestamp_unit = ParseTimestampUnit(text);
    } catch (const Error&) {
      BadField(key, "'" + key + "' must be s, ms, us or ns, not '" + text + "'");
    }
  }
  if (string_field(kFields[5], &text)) {
    if (text.empty()) BadField(key, "'pattern' must not be empty");
    request.pattern = text;
  }
  if (string_field(kFields[6], &text)) {
    try {
      request.validation_mode = ParseValidationMode(text);
    } catch (const Error&) {
      BadField(key, "'" + key + "' must be SINGLE, FIRST_LAST, SAMPLE or ALL, not '" + text + "'");
    }
  }
  if (const Json* v = find(kFields[7], &key)) {
    if (!v->is_boolean()) BadField(key, "'" + key + "' must be true or false");
    request.validate_uniques = v->get<bool>();
  }
  return request;
}

}  // namespace frocket::server
