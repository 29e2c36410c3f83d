#include "server/api_errors.h"

namespace frocket::server {

nlohmann::ordered_json ApiError::ToJson() const {
  nlohmann::ordered_json error = {{"kind", kind}, {"message", message}};
  if (path) error["path"] = *path;
  if (position) error["position"] = *position;
  return {{"success", false}, {"errorMessage", message}, {"error", std::move(error)}};
}

int StatusForKind(const std::string& kind) {
  if (kind == "SCHEMA" || kind == "TYPE_MISMATCH" || kind == "DATASET" || kind == "RELATION" ||
      kind == "LIMIT") {
    return 400;
  }
  if (kind == "AUTH") return 401;
  if (kind == "NOT_FOUND") return 404;
  if (kind == "CONFLICT") return 409;
  if (kind == "TOO_LARGE") return 413;
  if (kind == "DATASET_INVALID") return 422;
  if (kind == "BUSY") return 429;
  if (kind == "STORAGE") return 502;
  if (kind == "UNAVAILABLE") return 503;
  if (kind == "TIMEOUT") return 504;
  return 500;
}

ApiError MakeApiError(const std::string& kind, const std::string& message,
                      std::optional<std::string> path) {
  ApiError e;
  e.kind = kind;
  e.status = StatusForKind(kind);
  e.message = message;
  e.path = std::move(path);
  return e;
}

ApiError ApiErrorFromQueryError(const QueryError& error) {
  ApiError e = MakeApiError(QueryErrorKindName(error.kind), error.message, error.path);
  e.position = error.position;
  return e;
}

ApiError ApiErrorFromError(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::kTimeout:
      return MakeApiError("TIMEOUT", error.what());
    case ErrorKind::kUnavailable:
      return MakeApiError("UNAVAILABLE", error.what());
    case ErrorKind::kIo:
    case ErrorKind::kCorruptFile:
    case ErrorKind::kNotSupported:
      return MakeApiError("STORAGE", error.what());
    case ErrorKind::kInvalidArgument:
      return MakeApiError("SCHEMA", error.what());
    case ErrorKind::kInternal:
      break;
  }
  return MakeApiError("INTERNAL", error.what());
}

}  // namespace frocket::server
