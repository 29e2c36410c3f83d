// The Redis-backed pieces the server uses in cluster mode (`frocket serve --redis URL`): the
// Redis metadata store and the work-queue invoker. One place to reach them, so the server
// and the serve command do not care how they are built.
#pragma once

#include <memory>
#include <string>

#include "catalog/metadata_store.h"
#include "cluster/invoker.h"

namespace frocket::server {

// OpenRedisMetadataStore(redis_url, prefix from the environment as the queue uses it).
std::unique_ptr<MetadataStore> OpenClusterMetadataStore(const std::string& redis_url);

// MakeQueueInvoker(QueueConfig::FromEnvironment(redis_url)).
std::unique_ptr<QueryInvoker> MakeClusterInvoker(const std::string& redis_url);

}  // namespace frocket::server
