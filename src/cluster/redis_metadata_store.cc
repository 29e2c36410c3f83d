// The Redis metadata store (declared in catalog/metadata_store.h): the hash PREFIX + "datasets"
// maps names to DatasetInfoToJson documents, PREFIX + "dataset_lastused" maps names to unix
// seconds. HSET replaces a field in one step, so readers see the old record or the new one.
#include <algorithm>

#include "catalog/metadata_store.h"
#include "cluster/redis_client.h"
#include "common/error.h"

namespace frocket {
namespace {

constexpr std::chrono::milliseconds kCommandTimeout{5000};

class RedisMetadataStore final : public MetadataStore {
 public:
  RedisMetadataStore(RedisUrl url, const std::string& prefix)
      : pool_(std::move(url), kCommandTimeout),
        datasets_(prefix + "datasets"),
        last_used_(prefix + "dataset_lastused") {
    // Fail at open, naming the server, rather than at the first request.
    pool_.Acquire()->EnsureConnected();
  }

  void Put(const DatasetInfo& info) override {
    CheckDatasetName(info.name);
    pool_.Acquire()->Command({"HSET", datasets_, info.name, DatasetInfoToJson(info).dump()});
  }

  std::optional<DatasetInfo> Get(const std::string& name) const override {
    CheckDatasetName(name);
    RedisReply reply = pool_.Acquire()->Command({"HGET", datasets_, name});
    if (reply.is_nil()) return std::nullopt;
    return Decode(name, reply.AsString("HGET " + datasets_));
  }

  std::vector<DatasetInfo> List() const override {
    RedisReply reply = pool_.Acquire()->Command({"HGETALL", datasets_});
    std::vector<DatasetInfo> out;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      const std::string& name = reply.elements[i].AsString("HGETALL " + datasets_);
      // A field that is not a dataset name was not written by frocket: skip it, as the local
      // store skips files that are not records.
      try {
        CheckDatasetName(name);
      } catch (const Error&) {
        continue;
      }
      out.push_back(Decode(name, reply.elements[i + 1].AsString("HGETALL " + datasets_)));
    }
    std::sort(out.begin(), out.end(),
              [](const DatasetInfo& a, const DatasetInfo& b) { return a.name < b.name; });
    return out;
  }

  bool Delete(const std::string& name) override {
    CheckDatasetName(name);
    std::vector<RedisReply> replies =
        pool_.Acquire()->Pipeline({{"HDEL", datasets_, name}, {"HDEL", last_used_, name}});
    for (const RedisReply& reply : replies) {
      if (reply.is_error()) {
        throw Error(ErrorKind::kInternal,
                    "Redis at " + pool_.url().Display() + " answered HDEL with: " + reply.str);
      }
    }
    return replies[0].AsInteger("HDEL") > 0;
  }

  void MarkUsed(const std::string& name, int64_t unix_seconds) override {
    CheckDatasetName(name);
    pool_.Acquire()->Command({"HSET", last_used_, name, std::to_string(unix_seconds)});
  }

  std::optional<int64_t> LastUsed(const std::string& name) const override {
    CheckDatasetName(name);
    RedisReply reply = pool_.Acquire()->Command({"HGET", last_used_, name});
    if (reply.is_nil()) return std::nullopt;
    try {
      return reply.AsInteger("HGET " + last_used_);
    } catch (const Error&) {
      ThrowCorrupt("the last-used time of dataset '" + name + "' in Redis at " +
                   pool_.url().Display() + " (" + last_used_ + ") is not a number");
    }
  }

 private:
  DatasetInfo Decode(const std::string& name, const std::string& text) const {
    const std::string source =
        "dataset '" + name + "' in Redis at " + pool_.url().Display() + " (" + datasets_ + ")";
    DatasetInfo info = DatasetInfoFromText(text, source);
    if (info.name != name) {
      ThrowCorrupt(source + " holds the record of dataset '" + info.name + "'");
    }
    return info;
  }

  mutable RedisPool pool_;
  std::string datasets_;
  std::string last_used_;
};

}  // namespace

std::unique_ptr<MetadataStore> OpenRedisMetadataStore(const std::string& redis_url,
                                                      const std::string& prefix) {
  return std::make_unique<RedisMetadataStore>(ParseRedisUrl(redis_url), prefix);
}

}  // namespace frocket
