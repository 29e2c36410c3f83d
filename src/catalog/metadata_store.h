// MetadataStore: where registered datasets are kept. Embedded mode uses a local catalog
// directory; the distributed modes will use Redis; tests and the server's in-process mode use
// the in-memory store. All of them behave the same (tests/unit/catalog/metadata_store_test.cc
// runs one suite against each):
//   - Put stores a record under info.name, replacing any record of that name, atomically: a
//     reader sees the old record or the new one, never a mix.
//   - Get returns the record, or nothing for an unknown name.
//   - List returns every record, sorted by name.
//   - Delete removes the record and says whether there was one.
//   - Every method checks the name (CheckDatasetName) and throws Error(kInvalidArgument) for a
//     bad one. A stored record that cannot be read throws Error(kCorruptFile) naming it, or
//     Error(kNotSupported) when a newer frocket wrote it (see dataset_info.h).
//
// Thread safety: every implementation may be used from many threads at once; the local store
// may also be shared by many processes at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "catalog/dataset_info.h"

namespace frocket {

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  virtual void Put(const DatasetInfo& info) = 0;
  virtual std::optional<DatasetInfo> Get(const std::string& name) const = 0;
  virtual std::vector<DatasetInfo> List() const = 0;
  virtual bool Delete(const std::string& name) = 0;

  // When a dataset was last queried (unix seconds), for the API's rule that a dataset queried in
  // the last 30 s is not unregistered without force. The base keeps it in this process's memory;
  // the Redis store keeps it in Redis so that every server sees every other server's queries.
  virtual void MarkUsed(const std::string& name, int64_t unix_seconds);
  virtual std::optional<int64_t> LastUsed(const std::string& name) const;

 private:
  mutable std::mutex last_used_mutex_;
  std::map<std::string, int64_t> last_used_;
};

// A catalog directory on the local file system: `dir`/datasets/NAME.json per dataset, and
// `dir`/catalog.lock. Put writes a temporary file in the same directory, fsyncs it, renames it
// over NAME.json and fsyncs the directory, so a crash leaves the old record or the new one.
// Put and Delete hold an exclusive flock on catalog.lock while they work, so writers in many
// processes take turns; readers need no lock because rename is atomic. The directory is
// created on the first Put; a missing directory reads as an empty catalog. Failures of the
// file system throw Error(kIo) naming the path.
std::unique_ptr<MetadataStore> OpenLocalMetadataStore(const std::string& dir);

// Records held in memory (copies), guarded by a mutex.
std::unique_ptr<MetadataStore> MakeMemoryMetadataStore();

// Datasets in Redis at `redis_url` (redis://[user:password@]host:port[/db]): the hash
// PREFIX + "datasets" maps each name to its record's JSON, PREFIX + "dataset_lastused" maps
// names to unix seconds. Throws Error(kUnavailable) naming host and port when Redis cannot be
// reached, Error(kInvalidArgument) for a bad URL or a rediss:// one (no TLS in this build).
// Implemented in cluster/redis_metadata_store.cc.
std::unique_ptr<MetadataStore> OpenRedisMetadataStore(const std::string& redis_url,
                                                      const std::string& prefix = "frocket:");

// The catalog directory to use: `flag` when not empty, else $FROCKET_CATALOG_DIR when set and
// not empty, else $HOME/.frocket. Throws Error(kInvalidArgument) when none is available.
std::string ResolveCatalogDir(const std::string& flag);

}  // namespace frocket
