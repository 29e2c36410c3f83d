// Errors in frocket are typed exceptions, thrown where a problem is found and caught once per
// boundary (a CLI command, a task, an HTTP request). The kind says whose fault the error is, so a
// boundary can map it: user errors become 4xx / exit code 2, transient ones are retried.
#pragma once

#include <stdexcept>
#include <string>

namespace frocket {

enum class ErrorKind {
  kInvalidArgument,  // the user asked for something wrong (bad flag, unknown column)
  kCorruptFile,      // the file is not valid Parquet, or is damaged
  kNotSupported,     // valid, but a feature we do not read (encryption, LZO, nested columns)
  kIo,               // the file system or network failed
  kUnavailable,      // a service the query needs (Redis, workers) cannot be reached
  kTimeout,          // the work ran past its time limit
  kInternal,         // a bug in frocket
};

const char* ErrorKindName(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Shorthands for the common throws. They never return.
[[noreturn]] void ThrowCorrupt(const std::string& message);
[[noreturn]] void ThrowNotSupported(const std::string& message);
[[noreturn]] void ThrowInvalid(const std::string& message);
[[noreturn]] void ThrowIo(const std::string& message);

}  // namespace frocket
