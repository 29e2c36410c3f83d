#include "server/cluster_backends.h"

#include "cluster/queue_invoker.h"

namespace frocket::server {

std::unique_ptr<MetadataStore> OpenClusterMetadataStore(const std::string& redis_url) {
  return OpenRedisMetadataStore(redis_url, QueueConfig::FromEnvironment(redis_url).prefix);
}

std::unique_ptr<QueryInvoker> MakeClusterInvoker(const std::string& redis_url) {
  return MakeQueueInvoker(QueueConfig::FromEnvironment(redis_url));
}

}  // namespace frocket::server
