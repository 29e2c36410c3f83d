// A small Prometheus metrics registry for the API server: counters, gauges and histograms with
// labels, rendered in the text exposition format 0.0.4 (what GET /metrics answers).
//
// Every metric is created once (by the server at start) and then updated from many threads at
// once; updates take one mutex per metric, which is cheap next to a query. A metric's label
// names are fixed at creation; each update passes the values in the same order. Label values
// are escaped (backslash, double quote, newline) when rendered.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace frocket::server {

using LabelValues = std::vector<std::string>;

class Metric {
 public:
  Metric(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  virtual ~Metric() = default;
  const std::string& name() const { return name_; }
  // Appends "# HELP", "# TYPE" and one line per series (histograms: _bucket, _sum, _count).
  virtual void Render(std::string* out) const = 0;

 protected:
  // {a="x",b="y"} for these values, with `extra` (e.g. le="0.5") appended; "" without labels.
  std::string LabelText(const LabelValues& values, const std::string& extra = "") const;
  void Header(const char* type, std::string* out) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
};

// A value that only goes up (Add ignores negative amounts).
class Counter : public Metric {
 public:
  using Metric::Metric;
  void Add(const LabelValues& labels, double amount = 1);
  double Value(const LabelValues& labels) const;
  void Render(std::string* out) const override;

 private:
  std::map<LabelValues, double> values_;
};

// A value that goes up and down (queries in flight).
class Gauge : public Metric {
 public:
  using Metric::Metric;
  void Add(const LabelValues& labels, double amount);
  void Set(const LabelValues& labels, double value);
  double Value(const LabelValues& labels) const;
  void Render(std::string* out) const override;

 private:
  std::map<LabelValues, double> values_;
};

// Observations counted into cumulative buckets (upper bounds ascending; +Inf is implicit).
class Histogram : public Metric {
 public:
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void Observe(const LabelValues& labels, double value);
  uint64_t Count(const LabelValues& labels) const;
  void Render(std::string* out) const override;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // per bound, not cumulative; rendered cumulatively
    uint64_t count = 0;
    double sum = 0;
  };
  std::vector<double> bounds_;
  std::map<LabelValues, Series> series_;
};

// Owns metrics and renders them all, in creation order.
class MetricsRegistry {
 public:
  Counter* AddCounter(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names = {});
  Gauge* AddGauge(const std::string& name, const std::string& help,
                  std::vector<std::string> label_names = {});
  Histogram* AddHistogram(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names, std::vector<double> bounds);
  std::string Render() const;

 private:
  std::vector<std::unique_ptr<Metric>> metrics_;
};

// The API server's metrics (docs/api.md lists them). Query outcomes (label `status`): success,
// invalid (400), not_found, busy (429), timeout, unavailable, storage, cancelled, internal.
struct ServerMetrics {
  ServerMetrics();

  MetricsRegistry registry;
  Counter* http_requests;            // frocket_http_requests_total{method, code}
  Counter* queries;                  // frocket_queries_total{status}
  Histogram* query_duration;         // frocket_query_duration_seconds{status} (queries that ran)
  Gauge* queries_in_flight;          // frocket_queries_in_flight
  Counter* tasks;                    // frocket_tasks_total{invoker}
  Counter* task_attempts;            // frocket_task_attempts_total{invoker}
  Counter* task_retries;             // frocket_task_retries_total{invoker}
  Counter* task_failures;            // frocket_task_failed_attempts_total{invoker}
  Counter* lost_tasks;               // frocket_task_lost_attempts_total{invoker}
  Counter* scanned_rows;             // frocket_scanned_rows_total
  Counter* scanned_bytes;            // frocket_scanned_bytes_total
  Counter* cache_hits;               // frocket_cache_hits_total
  Counter* cost_dollars;             // frocket_cost_dollars_total
  Counter* registrations;            // frocket_registrations_total{status}
  Histogram* registration_duration;  // frocket_registration_duration_seconds
};

// Formats a sample value as Prometheus expects: integers without a fraction, "+Inf", "NaN".
std::string PrometheusNumber(double value);

}  // namespace frocket::server
