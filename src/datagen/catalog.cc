#include "datagen/catalog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "common/error.h"

namespace frocket::datagen {
namespace {

constexpr std::string_view kEventTypeNames[kNumEventTypes] = {
    "pageview", "search", "addToCart", "removeFromCart", "checkout",
    "purchase", "login",  "logout",    "signup",
};

// 50 ISO 3166-1 alpha-2 codes, roughly by the size of their e-commerce market, so that a
// Zipf-like weight by position gives a plausible mix.
constexpr std::string_view kCountries[] = {
    "US", "GB", "DE", "FR", "IN", "BR", "CA", "JP", "IT", "ES", "AU", "NL", "MX",
    "KR", "PL", "SE", "TR", "ID", "CH", "BE", "AR", "AT", "NO", "DK", "IE", "FI",
    "PT", "IL", "CZ", "ZA", "SG", "NZ", "GR", "RO", "HU", "CO", "CL", "PH", "MY",
    "TH", "VN", "UA", "EG", "NG", "SA", "AE", "PK", "KE", "PE", "RU",
};
static_assert(std::size(kCountries) == 50);

constexpr std::string_view kDevices[kNumDevices] = {"desktop", "mobile", "tablet"};
constexpr double kDeviceWeights[kNumDevices] = {45, 47, 8};

constexpr std::string_view kBrowsers[] = {"Chrome", "Safari", "Firefox",
                                          "Edge",   "Opera",  "Samsung Internet"};
// Browser shares per device, in kBrowsers order.
constexpr double kBrowserWeights[kNumDevices][std::size(kBrowsers)] = {
    {64, 11, 9, 12, 4, 0},  // desktop
    {62, 27, 1, 1, 2, 7},   // mobile
    {36, 56, 1, 1, 1, 5},   // tablet
};

struct CategorySpec {
  std::string_view slug;
  std::string_view sku_prefix;
  double median_price;
  double weight;  // share of the catalog and of category page views
};
constexpr CategorySpec kCategories[] = {
    {"electronics", "ELEC", 120, 9}, {"computers", "COMP", 600, 5}, {"phones", "PHON", 450, 4},
    {"home", "HOME", 40, 8},         {"kitchen", "KITC", 35, 7},    {"garden", "GARD", 30, 4},
    {"toys", "TOYS", 25, 6},         {"books", "BOOK", 15, 8},      {"music", "MUSI", 12, 3},
    {"movies", "MOVI", 14, 3},       {"sports", "SPOR", 45, 5},     {"outdoors", "OUTD", 60, 3},
    {"beauty", "BEAU", 20, 6},       {"health", "HEAL", 18, 4},     {"fashion", "FASH", 40, 9},
    {"shoes", "SHOE", 70, 5},        {"jewelry", "JEWE", 90, 2},    {"automotive", "AUTO", 35, 2},
    {"pets", "PETS", 22, 3},         {"grocery", "GROC", 8, 3},
};

constexpr std::string_view kSearchTerms[] = {
    "laptop",       "headphones",      "running shoes",
    "phone case",   "coffee maker",    "desk lamp",
    "backpack",     "smart watch",     "yoga mat",
    "sunglasses",   "gaming mouse",    "keyboard",
    "water bottle", "air fryer",       "blender",
    "tent",         "bike helmet",     "face cream",
    "shampoo",      "dog food",        "cat toy",
    "lego",         "puzzle",          "novel",
    "cookbook",     "vinyl record",    "bluetooth speaker",
    "tv",           "monitor",         "usb c cable",
    "charger",      "jeans",           "dress",
    "sneakers",     "winter jacket",   "watch",
    "necklace",     "car phone mount", "tire inflator",
    "vitamins",     "protein powder",  "garden hose",
    "plant pot",    "bed sheets",      "pillow",
    "towels",       "frying pan",      "knife set",
    "tablet",       "camera",
};

std::string SearchUrl(std::string_view term) {
  std::string url = "/search?q=";
  for (char c : term) url += c == ' ' ? '+' : c;
  return url;
}

}  // namespace

std::string_view EventTypeName(EventType type) { return kEventTypeNames[static_cast<int>(type)]; }

uint32_t StringTable::Add(std::string_view s) {
  bytes_.append(s);
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  return size() - 1;
}

AliasTable::AliasTable(const std::vector<double>& weights) {
  size_ = weights.size();
  if (size_ == 0 || size_ > UINT32_MAX) ThrowInvalid("an alias table needs 1 to 2^32 weights");
  double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (!(total > 0)) ThrowInvalid("an alias table needs a positive total weight");
  // Vose's construction: columns below the average lend the rest of their height to columns
  // above it. Scaled probabilities are processed in index order, so the table is the same on
  // every run.
  std::vector<double> scaled(size_);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < size_; ++i) {
    scaled[i] = weights[i] * static_cast<double>(size_) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  threshold_.assign(size_, UINT32_MAX);
  alias_.resize(size_);
  std::iota(alias_.begin(), alias_.end(), 0u);
  while (!small.empty() && !large.empty()) {
    uint32_t s = small.back();
    small.pop_back();
    uint32_t l = large.back();
    threshold_[s] = static_cast<uint32_t>(std::min(scaled[s] * 4294967296.0, 4294967295.0));
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left is 1.0 up to rounding: those columns keep themselves (UINT32_MAX).
}

Catalog::Catalog(uint64_t seed) {
  for (std::string_view name : kEventTypeNames) event_types_.Add(name);

  std::vector<double> weights;
  for (size_t i = 0; i < std::size(kCountries); ++i) {
    countries_.Add(kCountries[i]);
    weights.push_back(1.0 / std::pow(static_cast<double>(i + 1), 1.1));
  }
  country_table_ = AliasTable(weights);

  for (std::string_view d : kDevices) devices_.Add(d);
  device_table_ =
      AliasTable(std::vector<double>(std::begin(kDeviceWeights), std::end(kDeviceWeights)));
  for (std::string_view b : kBrowsers) browsers_.Add(b);
  for (int d = 0; d < kNumDevices; ++d) {
    browser_tables_[d] = AliasTable(
        std::vector<double>(std::begin(kBrowserWeights[d]), std::end(kBrowserWeights[d])));
  }

  home_url_ = urls_.Add("/");
  cart_url_ = urls_.Add("/cart");
  checkout_url_ = urls_.Add("/checkout");
  purchase_url_ = urls_.Add("/checkout/complete");
  login_url_ = urls_.Add("/login");
  logout_url_ = urls_.Add("/logout");
  signup_url_ = urls_.Add("/signup");

  weights.clear();
  for (const CategorySpec& c : kCategories) {
    category_urls_.push_back(urls_.Add("/c/" + std::string(c.slug)));
    weights.push_back(c.weight);
  }
  category_table_ = AliasTable(weights);

  weights.clear();
  for (size_t i = 0; i < std::size(kSearchTerms); ++i) {
    search_urls_.push_back(urls_.Add(SearchUrl(kSearchTerms[i])));
    weights.push_back(1.0 / std::pow(static_cast<double>(i + 1), 0.8));
  }
  search_table_ = AliasTable(weights);

  // Products: a category, a SKU numbered within it, a log-normal price around the category's
  // median ending in .99, and a popularity rank from a seeded shuffle.
  CounterRng rng(StreamKey(seed, /*stream=*/1, 0));
  category_products_.resize(std::size(kCategories));
  std::vector<uint32_t> per_category(std::size(kCategories), 0);
  products_.reserve(kNumProducts);
  for (uint32_t k = 0; k < kNumProducts; ++k) {
    uint32_t category = category_table_.Sample(rng);
    const CategorySpec& spec = kCategories[category];
    char sku[32];
    std::snprintf(sku, sizeof(sku), "%.*s-%05u", static_cast<int>(spec.sku_prefix.size()),
                  spec.sku_prefix.data(), 10000 + per_category[category]++);
    double price = spec.median_price * std::exp(0.6 * rng.Normal());
    price = std::max(0.0, std::floor(price)) + 0.99;
    Product p;
    p.sku = skus_.Add(sku);
    p.url = urls_.Add("/p/" + std::string(sku));
    p.category = category;
    p.price = price;
    products_.push_back(p);
    category_products_[category].push_back(k);
  }
  std::vector<uint32_t> rank(kNumProducts);
  std::iota(rank.begin(), rank.end(), 0u);
  for (uint32_t i = kNumProducts - 1; i > 0; --i) {
    std::swap(rank[i], rank[rng.Below(i + 1)]);
  }
  std::vector<double> popularity(kNumProducts);
  for (uint32_t k = 0; k < kNumProducts; ++k) {
    popularity[k] = 1.0 / std::pow(static_cast<double>(rank[k] + 1), 0.9);
  }
  product_table_ = AliasTable(popularity);
  for (const std::vector<uint32_t>& members : category_products_) {
    std::vector<double> w;
    for (uint32_t k : members) w.push_back(popularity[k]);
    // A category the seeded draw left empty keeps an empty table; SampleProductIn then
    // falls back to the whole catalog.
    category_product_tables_.push_back(w.empty() ? AliasTable() : AliasTable(w));
  }
}

const Product& Catalog::SampleProductIn(uint32_t category, CounterRng& rng) const {
  const std::vector<uint32_t>& members = category_products_[category];
  if (members.empty()) return SampleProduct(rng);
  return products_[members[category_product_tables_[category].Sample(rng)]];
}

}  // namespace frocket::datagen
