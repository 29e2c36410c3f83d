#include "server/metrics.h"

#include <cmath>
#include <cstdio>

namespace frocket::server {
namespace {

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string PrometheusNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", value);
  }
  return buf;
}

std::string Metric::LabelText(const LabelValues& values, const std::string& extra) const {
  std::string out;
  for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += label_names_[i] + "=\"" + EscapeLabel(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "{" : ",") + extra;
  if (!out.empty()) out += "}";
  return out;
}

void Metric::Header(const char* type, std::string* out) const {
  *out += "# HELP " + name_ + " " + help_ + "\n";
  *out += "# TYPE " + name_ + " " + type + "\n";
}

void Counter::Add(const LabelValues& labels, double amount) {
  if (!(amount >= 0)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  values_[labels] += amount;
}

double Counter::Value(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Counter::Render(std::string* out) const {
  Header("counter", out);
  std::lock_guard<std::mutex> lock(mutex_);
  // A metric without labels shows 0 before its first update, so dashboards see it exists.
  if (values_.empty() && label_names_.empty()) *out += name_ + " 0\n";
  for (const auto& [labels, value] : values_) {
    *out += name_ + LabelText(labels) + " " + PrometheusNumber(value) + "\n";
  }
}

void Gauge::Add(const LabelValues& labels, double amount) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_[labels] += amount;
}

void Gauge::Set(const LabelValues& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_[labels] = value;
}

double Gauge::Value(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Gauge::Render(std::string* out) const {
  Header("gauge", out);
  std::lock_guard<std::mutex> lock(mutex_);
  if (values_.empty() && label_names_.empty()) *out += name_ + " 0\n";
  for (const auto& [labels, value] : values_) {
    *out += name_ + LabelText(labels) + " " + PrometheusNumber(value) + "\n";
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : Metric(std::move(name), std::move(help), std::move(label_names)),
      bounds_(std::move(bounds)) {}

void Histogram::Observe(const LabelValues& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Series& s = series_[labels];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size(), 0);
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++s.buckets[i];
      break;
    }
  }
  ++s.count;
  s.sum += value;
}

uint64_t Histogram::Count(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::Render(std::string* out) const {
  Header("histogram", out);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [labels, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      *out += name_ + "_bucket" + LabelText(labels, "le=\"" + PrometheusNumber(bounds_[i]) + "\"") +
              " " + std::to_string(cumulative) + "\n";
    }
    *out +=
        name_ + "_bucket" + LabelText(labels, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
    *out += name_ + "_sum" + LabelText(labels) + " " + PrometheusNumber(s.sum) + "\n";
    *out += name_ + "_count" + LabelText(labels) + " " + std::to_string(s.count) + "\n";
  }
}

Counter* MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     std::vector<std::string> label_names) {
  auto metric = std::make_unique<Counter>(name, help, std::move(label_names));
  Counter* raw = metric.get();
  metrics_.push_back(std::move(metric));
  return raw;
}

Gauge* MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  auto metric = std::make_unique<Gauge>(name, help, std::move(label_names));
  Gauge* raw = metric.get();
  metrics_.push_back(std::move(metric));
  return raw;
}

Histogram* MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names,
                                         std::vector<double> bounds) {
  auto metric = std::make_unique<Histogram>(name, help, std::move(label_names), std::move(bounds));
  Histogram* raw = metric.get();
  metrics_.push_back(std::move(metric));
  return raw;
}

std::string MetricsRegistry::Render() const {
  std::string out;
  for (const auto& metric : metrics_) metric->Render(&out);
  return out;
}

namespace {

// Seconds from 5 ms to 10 minutes: interactive queries sit in the low buckets, timeouts in the
// top ones.
std::vector<double> SecondsBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
}

}  // namespace

ServerMetrics::ServerMetrics() {
  http_requests =
      registry.AddCounter("frocket_http_requests_total",
                          "HTTP requests answered, by method and status code", {"method", "code"});
  queries =
      registry.AddCounter("frocket_queries_total", "Queries received, by outcome", {"status"});
  query_duration = registry.AddHistogram("frocket_query_duration_seconds",
                                         "Time from a query's validation to its result, by outcome",
                                         {"status"}, SecondsBuckets());
  queries_in_flight =
      registry.AddGauge("frocket_queries_in_flight", "Queries holding a query slot right now");
  queries_in_flight->Set({}, 0);
  tasks = registry.AddCounter("frocket_tasks_total", "Tasks planned (one per file per query)",
                              {"invoker"});
  task_attempts = registry.AddCounter("frocket_task_attempts_total",
                                      "Task attempts started, retries included", {"invoker"});
  task_retries = registry.AddCounter("frocket_task_retries_total", "Task attempts beyond the first",
                                     {"invoker"});
  task_failures = registry.AddCounter("frocket_task_failed_attempts_total",
                                      "Task attempts that ended in failure", {"invoker"});
  lost_tasks =
      registry.AddCounter("frocket_task_lost_attempts_total",
                          "Task attempts retried because their worker went silent", {"invoker"});
  scanned_rows = registry.AddCounter("frocket_scanned_rows_total", "Rows read by queries");
  scanned_bytes =
      registry.AddCounter("frocket_scanned_bytes_total", "Compressed column bytes read by queries");
  cache_hits = registry.AddCounter("frocket_cache_hits_total",
                                   "Tasks whose file came from a worker's disk cache");
  cost_dollars = registry.AddCounter("frocket_cost_dollars_total",
                                     "Compute cost of queries where the invoker knows it");
  registrations = registry.AddCounter("frocket_registrations_total",
                                      "Dataset registrations, by outcome", {"status"});
  registration_duration = registry.AddHistogram("frocket_registration_duration_seconds",
                                                "Time to discover and validate a dataset's files",
                                                {}, SecondsBuckets());
}

}  // namespace frocket::server
