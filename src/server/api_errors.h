// The API's error responses: a kind (API.md's table), the HTTP status it maps to, and the JSON
// document {"success": false, "errorMessage", "error": {"kind", "message", "path"?,
// "position"?}}. `errorMessage` repeats the message for Funnel Rocket clients, which read only
// that field.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/error.h"
#include "query/query_parser.h"

namespace frocket::server {

struct ApiError {
  int status = 500;
  std::string kind = "INTERNAL";  // SCHEMA, NOT_FOUND, CONFLICT, ..., INTERNAL
  std::string message;
  std::optional<std::string> path;  // JSON pointer into the request body
  std::optional<size_t> position;   // offset in the body or the relation string

  nlohmann::ordered_json ToJson() const;
};

// Thrown inside request handling to answer with this error; caught once per request.
class ApiException : public std::runtime_error {
 public:
  explicit ApiException(ApiError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

// The status of an API error kind: 400 for SCHEMA, TYPE_MISMATCH, DATASET, RELATION, LIMIT; 401
// AUTH; 404 NOT_FOUND; 409 CONFLICT; 413 TOO_LARGE; 422 DATASET_INVALID; 429 BUSY; 502 STORAGE;
// 503 UNAVAILABLE; 504 TIMEOUT; 500 otherwise.
int StatusForKind(const std::string& kind);

ApiError MakeApiError(const std::string& kind, const std::string& message,
                      std::optional<std::string> path = std::nullopt);

// A query that failed validation: 400 with the parser's kind, path and position.
ApiError ApiErrorFromQueryError(const QueryError& error);

// An Error raised while running work (tasks, stores): kTimeout 504 TIMEOUT, kUnavailable 503
// UNAVAILABLE, kIo / kCorruptFile / kNotSupported 502 STORAGE, kInvalidArgument 400 SCHEMA,
// kInternal 500 INTERNAL.
ApiError ApiErrorFromError(const Error& error);

}  // namespace frocket::server
