#include <map>
#include <mutex>

#include "catalog/metadata_store.h"

namespace frocket {
namespace {

class MemoryMetadataStore final : public MetadataStore {
 public:
  void Put(const DatasetInfo& info) override {
    CheckDatasetName(info.name);
    std::lock_guard<std::mutex> lock(mutex_);
    records_[info.name] = info;
  }

  std::optional<DatasetInfo> Get(const std::string& name) const override {
    CheckDatasetName(name);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = records_.find(name);
    if (it == records_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<DatasetInfo> List() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<DatasetInfo> out;
    out.reserve(records_.size());
    for (const auto& [name, info] : records_) out.push_back(info);  // std::map: sorted by name
    return out;
  }

  bool Delete(const std::string& name) override {
    CheckDatasetName(name);
    std::lock_guard<std::mutex> lock(mutex_);
    return records_.erase(name) != 0;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, DatasetInfo> records_;
};

}  // namespace

std::unique_ptr<MetadataStore> MakeMemoryMetadataStore() {
  return std::make_unique<MemoryMetadataStore>();
}

}  // namespace frocket
