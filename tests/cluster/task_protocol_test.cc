// The work queue's wire formats: messages, job descriptors and statuses round-trip, and
// anything else is refused with a clear error instead of being half-understood.
#include "cluster/task_protocol.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace frocket {
namespace {

using json = nlohmann::json;

ErrorKind KindOf(std::string_view text) {
  try {
    DecodeTaskMessage(text);
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "accepted: " << text;
  return ErrorKind::kInternal;
}

TEST(TaskProtocolTest, KeyLayoutLivesUnderThePrefix) {
  QueueKeys queue("fr:");
  EXPECT_EQ(queue.queue, "fr:queue");
  EXPECT_EQ(queue.workers, "fr:workers");
  EXPECT_EQ(queue.Processing("host:1:ab#0"), "fr:processing:host:1:ab#0");
  RequestKeys request("fr:", "r-42");
  EXPECT_EQ(request.job, "fr:req:r-42:job");
  EXPECT_EQ(request.attempts, "fr:req:r-42:attempts");
  EXPECT_EQ(request.status, "fr:req:r-42:status");
  EXPECT_EQ(request.heartbeat, "fr:req:r-42:heartbeat");
  EXPECT_EQ(request.result, "fr:req:r-42:result");
  EXPECT_EQ(request.files, "fr:req:r-42:files");
  EXPECT_EQ(AttemptField(7, 2), "7:2");
}

TEST(TaskProtocolTest, MessagesRoundTrip) {
  TaskMessage select{"req-1", "00ff", -1, 0};
  std::string text = EncodeTaskMessage(select);
  json doc = json::parse(text);
  EXPECT_EQ(doc["v"], 1);
  EXPECT_EQ(doc["requestId"], "req-1");
  EXPECT_EQ(doc["task"], -1);
  TaskMessage back = DecodeTaskMessage(text);
  EXPECT_EQ(back.request_id, "req-1");
  EXPECT_EQ(back.run, "00ff");
  EXPECT_EQ(back.task, -1);
  EXPECT_EQ(back.attempt, 0);

  TaskMessage retry{"req-1", "00ff", 12, 3};
  back = DecodeTaskMessage(EncodeTaskMessage(retry));
  EXPECT_EQ(back.task, 12);
  EXPECT_EQ(back.attempt, 3);
}

TEST(TaskProtocolTest, ForeignAndDamagedMessagesAreRefused) {
  const std::string good = EncodeTaskMessage({"r", "n", 1, 1});
  for (std::string_view bad : {
           std::string_view(""),
           std::string_view("not json"),
           std::string_view("[1,2]"),
           std::string_view("{}"),
           std::string_view(R"({"frocket":"task","v":1})"),
           std::string_view(
               R"({"frocket":"job","v":1,"requestId":"r","run":"n","task":1,"attempt":1})"),
           std::string_view(
               R"({"frocket":"task","v":1,"requestId":"","run":"n","task":1,"attempt":1})"),
           std::string_view(
               R"({"frocket":"task","v":1,"requestId":"a b","run":"n","task":1,"attempt":1})"),
           std::string_view(
               R"({"frocket":"task","v":1,"requestId":"r","run":"n","task":-5,"attempt":1})"),
           std::string_view(
               R"({"frocket":"task","v":1,"requestId":"r","run":"n","task":3,"attempt":0})"),
           std::string_view(
               R"({"frocket":"task","v":1,"requestId":"r","run":"n","task":"3","attempt":1})"),
           std::string_view(
               R"({"frocket":"task","v":1,"requestId":"r","run":"n","task":1e300,"attempt":1})"),
           std::string_view(
               R"({"frocket":"task","v":0,"requestId":"r","run":"n","task":1,"attempt":1})"),
       }) {
    EXPECT_EQ(KindOf(bad), ErrorKind::kCorruptFile) << bad;
  }
  EXPECT_EQ(KindOf(std::string(kMaxTaskMessageBytes + 1, ' ') + good), ErrorKind::kCorruptFile);
  json newer = json::parse(good);
  newer["v"] = 2;
  EXPECT_EQ(KindOf(newer.dump()), ErrorKind::kNotSupported);
}

TEST(TaskProtocolTest, JobsRoundTripAndDamagedJobsAreRefused) {
  JobDescriptor job;
  job.request_id = "r";
  job.run = "abc";
  job.query_text = R"({"query": {}})";
  job.heartbeat_interval = std::chrono::milliseconds(125);
  job.dataset = {{"name", "ds"}};
  JobDescriptor back = DecodeJob(EncodeJob(job));
  EXPECT_EQ(back.request_id, "r");
  EXPECT_EQ(back.run, "abc");
  EXPECT_EQ(back.query_text, job.query_text);
  EXPECT_EQ(back.heartbeat_interval.count(), 125);
  EXPECT_EQ(back.dataset["name"], "ds");

  EXPECT_THROW(DecodeJob("{"), Error);
  json doc = json::parse(EncodeJob(job));
  doc.erase("dataset");
  EXPECT_THROW(DecodeJob(doc.dump()), Error);
  doc = json::parse(EncodeJob(job));
  doc["heartbeatMs"] = 0;
  EXPECT_THROW(DecodeJob(doc.dump()), Error);
}

TEST(TaskProtocolTest, StatusesRoundTripWithErrorKinds) {
  AttemptStatus failed;
  failed.state = TaskState::kEndedFailed;
  failed.worker = "h:1:ab#0";
  failed.pid = 77;
  failed.error = "file 'x.parquet' is not Parquet \xff";
  failed.error_kind = ErrorKind::kCorruptFile;
  failed.seconds = 0.25;
  AttemptStatus back = DecodeStatus(EncodeStatus(failed));
  EXPECT_EQ(back.state, TaskState::kEndedFailed);
  EXPECT_EQ(back.worker, "h:1:ab#0");
  EXPECT_EQ(back.pid, 77);
  EXPECT_NE(back.error.find("x.parquet"), std::string::npos);
  ASSERT_TRUE(back.error_kind.has_value());
  EXPECT_EQ(*back.error_kind, ErrorKind::kCorruptFile);
  EXPECT_DOUBLE_EQ(back.seconds, 0.25);

  AttemptStatus success;
  success.state = TaskState::kEndedSuccess;
  success.cache_hit = true;
  EXPECT_TRUE(DecodeStatus(EncodeStatus(success)).cache_hit);
  EXPECT_EQ(json::parse(EncodeStatus(AttemptStatus{})), json({{"status", "QUEUED"}}));

  EXPECT_THROW(DecodeStatus(R"({"status":"DANCING"})"), Error);
  EXPECT_THROW(DecodeStatus("[]"), Error);
  EXPECT_EQ(ErrorKindFromName(ErrorKindName(ErrorKind::kIo)), ErrorKind::kIo);
  EXPECT_FALSE(ErrorKindFromName("NOPE").has_value());
}

}  // namespace
}  // namespace frocket
