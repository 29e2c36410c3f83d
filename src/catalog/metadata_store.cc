#include "catalog/metadata_store.h"

namespace frocket {

void MetadataStore::MarkUsed(const std::string& name, int64_t unix_seconds) {
  std::lock_guard<std::mutex> lock(last_used_mutex_);
  last_used_[name] = unix_seconds;
}

std::optional<int64_t> MetadataStore::LastUsed(const std::string& name) const {
  std::lock_guard<std::mutex> lock(last_used_mutex_);
  auto it = last_used_.find(name);
  if (it == last_used_.end()) return std::nullopt;
  return it->second;
}

}  // namespace frocket
