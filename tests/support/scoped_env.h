// Sets environment variables for the length of a scope and restores what was there before
// (including "unset"). For tests of code that reads its configuration from the environment.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/background_process.h"

namespace frocket::test_support {

class ScopedEnv {
 public:
  // `value` null: unset the variable for the scope.
  ScopedEnv(const char* name, const char* value)
      : ScopedEnv(
            EnvironmentList{{name, value ? std::optional<std::string>(value) : std::nullopt}}) {}
  explicit ScopedEnv(const EnvironmentList& vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      Set(name, value);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) Set(it->first, it->second);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  static void Set(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }

  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace frocket::test_support
