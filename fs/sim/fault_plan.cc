#include "fs/sim/fault_plan.h"

#include <fnmatch.h>

#include <array>
#include <cerrno>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/text/json_nesting.h"
#include "fs/sim/device_model.h"
#include "fs/sim/units.h"

namespace diofs::sim {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, OpKind>, 15> kOpNames = {{
    {"open", OpKind::kOpen},
    {"create", OpKind::kCreate},
    {"read", OpKind::kRead},
    {"write", OpKind::kWrite},
    {"flush", OpKind::kFlush},
    {"fsync", OpKind::kFsync},
    {"fallocate", OpKind::kFallocate},
    {"truncate", OpKind::kTruncate},
    {"unlink", OpKind::kUnlink},
    {"rename", OpKind::kRename},
    {"mkdir", OpKind::kMkdir},
    {"rmdir", OpKind::kRmdir},
    {"symlink", OpKind::kSymlink},
    {"link", OpKind::kLink},
    {"mknod", OpKind::kMknod},
}};

constexpr std::array<std::pair<std::string_view, int>, 16> kErrnoNames = {{
    {"EIO", EIO}, {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EINTR", EINTR},
    {"EAGAIN", EAGAIN}, {"EROFS", EROFS}, {"EFBIG", EFBIG}, {"ENOMEM", ENOMEM},
    {"EBUSY", EBUSY}, {"EINVAL", EINVAL}, {"ETIMEDOUT", ETIMEDOUT}, {"EACCES", EACCES},
    {"EPERM", EPERM}, {"ENXIO", ENXIO}, {"ENODEV", ENODEV}, {"ENOENT", ENOENT},
}};

// fnmatch(3) accepts almost anything; reject what is surely a mistake.
dioh::Status CheckGlob(const std::string& glob) {
  if (glob.empty() || glob[0] != '/') {
    return dioh::Status::Error(EINVAL, "path glob '" + glob + "' must start with '/'");
  }
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      if (++i == glob.size()) return dioh::Status::Error(EINVAL, "path glob '" + glob + "' ends in '\\'");
    } else if (glob[i] == '[') {
      const std::size_t close = glob.find(']', i + 2);
      if (close == std::string::npos) {
        return dioh::Status::Error(EINVAL, "path glob '" + glob + "' has an unclosed '['");
      }
      i = close;
    }
  }
  return dioh::Status::Ok();
}

dioh::Status Bad(std::string message) { return dioh::Status::Error(EINVAL, std::move(message)); }

dioh::Result<std::uint64_t> SizeField(const json& j, const char* key) {
  const json& v = j.at(key);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) return ParseSize(v.get<std::string>());
  return Bad(std::string("'") + key + "' must be a size (a number or \"64K\")");
}

dioh::Status ParseMatch(const json& r, FaultRule& rule) {
  if (r.contains("op")) {
    const json& ops = r["op"];
    if (!ops.is_array() && !ops.is_string()) return Bad("'op' must be a name or a list of names");
    for (const json& o : ops.is_array() ? ops : json::array({ops})) {
      const auto kind = o.is_string() ? OpKindFromName(o.get<std::string>()) : std::nullopt;
      if (!kind) return Bad("unknown op " + o.dump());
      rule.ops.push_back(*kind);
    }
  }
  if (r.contains("path")) {
    if (!r["path"].is_string()) return Bad("'path' must be a glob string");
    rule.path_glob = r["path"].get<std::string>();
    DIOH_RETURN_IF_ERROR(CheckGlob(rule.path_glob));
  }
  if (r.contains("direct")) {
    if (!r["direct"].is_boolean()) return Bad("'direct' must be true or false");
    rule.direct = r["direct"].get<bool>();
  }
  if (r.contains("offset")) {
    const json& o = r["offset"];
    if (!o.is_array() || o.size() != 2) return Bad("'offset' must be [begin, end)");
    auto begin = SizeField(json{{"b", o[0]}}, "b");
    auto end = SizeField(json{{"e", o[1]}}, "e");
    if (!begin.ok()) return begin.status().WithContext("offset");
    if (!end.ok()) return end.status().WithContext("offset");
    if (*begin >= *end) return Bad("'offset' range is empty");
    rule.offset_begin = *begin;
    rule.offset_end = *end;
  }
  return dioh::Status::Ok();
}

dioh::Status ParseTrigger(const json& r, FaultRule& rule) {
  if (!r.contains("when")) return dioh::Status::Ok();
  const json& w = r["when"];
  if (!w.is_object() || w.size() != 1) {
    return Bad("'when' must hold one of nth, every, after_bytes, probability");
  }
  const std::string key = w.begin().key();
  if (key == "probability") {
    if (!w[key].is_number()) return Bad("'probability' must be a number");
    rule.probability = w[key].get<double>();
    if (!(rule.probability >= 0.0 && rule.probability <= 1.0)) {
      return Bad("'probability' must be within [0, 1], not " + w[key].dump());
    }
    rule.trigger = Trigger::kProbability;
    return dioh::Status::Ok();
  }
  static const std::pair<const char*, Trigger> kCounted[] = {
      {"nth", Trigger::kNth}, {"every", Trigger::kEveryNth}, {"after_bytes", Trigger::kAfterBytes}};
  for (const auto& [name, trigger] : kCounted) {
    if (key != name) continue;
    auto n = SizeField(w, name);
    if (!n.ok()) return n.status();
    if (*n == 0 && trigger != Trigger::kAfterBytes) return Bad(std::string("'") + name + "' must be at least 1");
    rule.trigger = trigger;
    rule.trigger_n = *n;
    return dioh::Status::Ok();
  }
  return Bad("unknown trigger '" + key + "' (nth, every, after_bytes, probability)");
}

dioh::Status ParseErrno(const json& v, int* out) {
  const auto e = v.is_string() ? ErrnoFromName(v.get<std::string>()) : std::nullopt;
  if (!e) return Bad("unknown errno name " + v.dump());
  *out = *e;
  return dioh::Status::Ok();
}

dioh::Status ParseAction(const json& r, FaultRule& rule) {
  if (!r.contains("action") || !r["action"].is_object()) return Bad("'action' (an object) is required");
  const json& a = r["action"];
  if (a.contains("errno")) {
    rule.action = Action::kErrno;
    return ParseErrno(a["errno"], &rule.error);
  }
  if (a.contains("short")) {
    rule.action = Action::kShort;
    auto n = SizeField(a, "short");
    if (!n.ok()) return n.status();
    rule.bytes = *n;
    return dioh::Status::Ok();
  }
  if (a.contains("torn")) {
    rule.action = Action::kTorn;
    auto n = SizeField(a, "torn");
    if (!n.ok()) return n.status();
    rule.bytes = *n;
    const json then = a.contains("then") ? a["then"] : json("fail");
    if (then != "fail" && then != "succeed") return Bad("'then' must be \"fail\" or \"succeed\"");
    rule.fail_after_tear = then == "fail";
    rule.error = EIO;
    if (a.contains("errno")) return ParseErrno(a["errno"], &rule.error);
    return dioh::Status::Ok();
  }
  if (a.contains("delay")) {
    rule.action = Action::kDelay;
    if (!a["delay"].is_string()) return Bad("'delay' must be a duration string such as \"10ms\"");
    auto ns = ParseDurationNs(a["delay"].get<std::string>());
    if (!ns.ok()) return ns.status();
    rule.delay_ns = *ns;
    return dioh::Status::Ok();
  }
  if (a.contains("corrupt")) {
    rule.action = Action::kCorrupt;
    const json& c = a["corrupt"];
    if (c != "write" && c != "read") return Bad("'corrupt' must be \"write\" or \"read\"");
    rule.corrupt_when = c == "write" ? CorruptWhen::kOnWrite : CorruptWhen::kOnRead;
    const json bits = a.contains("bits") ? a["bits"] : json(1u);
    // A bound keeps one corruption from taking seconds: 4096 bits spoil any page.
    if (!bits.is_number_unsigned() || bits.get<std::uint64_t>() < 1 || bits.get<std::uint64_t>() > 4096) {
      return Bad("'bits' must be a whole number from 1 to 4096");
    }
    rule.flip_bits = bits.get<std::uint32_t>();
    return dioh::Status::Ok();
  }
  return Bad("unknown action (errno, short, torn, delay, corrupt)");
}

dioh::Result<FaultRule> ParseRule(const json& r, std::size_t index) {
  FaultRule rule;
  rule.name = "rule" + std::to_string(index);
  static const char* kKeys[] = {"name", "op", "path", "direct", "offset", "when", "times", "action"};
  dioh::Status status;
  if (!r.is_object()) {
    status = Bad("a rule must be an object");
  } else {
    for (const auto& [key, value] : r.items()) {
      if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
        status = Bad("unknown field '" + key + "'");
        break;
      }
    }
  }
  if (status.ok() && r.contains("name")) {
    if (r["name"].is_string()) rule.name = r["name"].get<std::string>();
    else status = Bad("'name' must be a string");
  }
  if (status.ok()) status = ParseMatch(r, rule);
  if (status.ok()) status = ParseTrigger(r, rule);
  if (status.ok() && r.contains("times")) {
    if (r["times"].is_number_unsigned()) rule.max_hits = r["times"].get<std::uint64_t>();
    else status = Bad("'times' must be a whole number");
  }
  if (status.ok()) status = ParseAction(r, rule);
  if (!status.ok()) {
    return status.WithContext("rule " + std::to_string(index) + " (\"" + rule.name + "\")");
  }
  return rule;
}

bool Overlaps(const FaultRule& rule, const FaultQuery& q) {
  const std::uint64_t end = q.offset + (q.length == 0 ? 1 : q.length);
  return q.offset < rule.offset_end && end > rule.offset_begin;
}

bool Matches(const FaultRule& rule, const FaultQuery& q) {
  if (!rule.ops.empty() && std::find(rule.ops.begin(), rule.ops.end(), q.op) == rule.ops.end()) {
    return false;
  }
  if (rule.direct && *rule.direct != q.direct) return false;
  if (!Overlaps(rule, q)) return false;
  if (!rule.path_glob.empty()) {
    const std::string path(q.path);
    if (fnmatch(rule.path_glob.c_str(), path.c_str(), FNM_PATHNAME) != 0) return false;
  }
  return true;
}

}  // namespace

std::optional<int> ErrnoFromName(std::string_view name) {
  for (const auto& [n, e] : kErrnoNames) {
    if (n == name) return e;
  }
  return std::nullopt;
}

std::string_view OpKindName(OpKind kind) {
  for (const auto& [n, k] : kOpNames) {
    if (k == kind) return n;
  }
  return "other";
}

std::optional<OpKind> OpKindFromName(std::string_view name) {
  for (const auto& [n, k] : kOpNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

FaultPlan::FaultPlan(std::uint64_t seed, std::vector<FaultRule> rules)
    : seed_(seed), rules_(std::move(rules)), counters_(new Counters[rules_.size()]) {}

std::shared_ptr<FaultPlan> FaultPlan::Empty() {
  return std::shared_ptr<FaultPlan>(new FaultPlan(0, {}));
}

dioh::Result<std::shared_ptr<FaultPlan>> FaultPlan::Parse(std::string_view text) {
  DIOH_RETURN_IF_ERROR(dioh::CheckJsonNesting(text).WithContext("fault rules"));
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("fault rules are not valid JSON");
  if (!j.is_object() || !j.contains("rules") || !j["rules"].is_array()) {
    return Bad("fault rules must be an object {\"seed\": N, \"rules\": [...]}");
  }
  std::uint64_t seed = 0;
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) return Bad("'seed' must be a whole number");
    seed = j["seed"].get<std::uint64_t>();
  }
  std::vector<FaultRule> rules;
  for (std::size_t i = 0; i < j["rules"].size(); ++i) {
    auto rule = ParseRule(j["rules"][i], i);
    if (!rule.ok()) return rule.status();
    rules.push_back(std::move(*rule));
  }
  return std::shared_ptr<FaultPlan>(new FaultPlan(seed, std::move(rules)));
}

bool FaultPlan::Fires(std::size_t i, std::uint64_t ordinal, std::uint64_t bytes_before,
                      std::uint64_t length) const {
  const FaultRule& rule = rules_[i];
  switch (rule.trigger) {
    case Trigger::kAlways: return true;
    case Trigger::kNth: return ordinal == rule.trigger_n;
    case Trigger::kEveryNth: return ordinal % rule.trigger_n == 0;
    case Trigger::kAfterBytes: return bytes_before + length > rule.trigger_n;
    case Trigger::kProbability: {
      const std::uint64_t draw = Mix64(seed_ ^ Mix64(i + 1) ^ Mix64(ordinal));
      return static_cast<double>(draw >> 11) * 0x1.0p-53 < rule.probability;
    }
  }
  return false;
}

std::optional<FaultDecision> FaultPlan::Decide(const FaultQuery& query) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (!Matches(rules_[i], query)) continue;
    Counters& c = counters_[i];
    const std::uint64_t ordinal = c.matched.fetch_add(1, std::memory_order_relaxed) + 1;
    const std::uint64_t before = c.matched_bytes.fetch_add(query.length, std::memory_order_relaxed);
    if (!Fires(i, ordinal, before, query.length)) continue;
    if (rules_[i].max_hits != 0) {
      std::uint64_t hits = c.hits.load(std::memory_order_relaxed);
      do {
        if (hits >= rules_[i].max_hits) break;
      } while (!c.hits.compare_exchange_weak(hits, hits + 1, std::memory_order_relaxed));
      if (hits >= rules_[i].max_hits) continue;
    } else {
      c.hits.fetch_add(1, std::memory_order_relaxed);
    }
    return FaultDecision{&rules_[i], i, ordinal, Mix64(seed_ ^ Mix64(i + 1) ^ Mix64(~ordinal))};
  }
  return std::nullopt;
}

std::uint64_t FaultPlan::hits(std::size_t rule_index) const {
  return counters_[rule_index].hits.load(std::memory_order_relaxed);
}

std::string FaultPlan::ToJson() const {
  json rules = json::array();
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& r = rules_[i];
    json ops = json::array();
    for (OpKind k : r.ops) ops.push_back(OpKindName(k));
    json entry = {{"name", r.name}, {"op", ops},
                  {"matched", counters_[i].matched.load(std::memory_order_relaxed)},
                  {"hits", hits(i)}};
    if (!r.path_glob.empty()) entry["path"] = r.path_glob;
    if (r.direct) entry["direct"] = *r.direct;
    rules.push_back(std::move(entry));
  }
  return json{{"seed", seed_}, {"rules", rules}}.dump();
}

void FlipBits(std::uint8_t* data, std::size_t size, std::uint32_t bits, std::uint64_t seed) {
  if (size == 0) return;
  for (std::uint32_t b = 0; b < bits; ++b) {
    const std::uint64_t bit = Mix64(seed + b) % (static_cast<std::uint64_t>(size) * 8);
    data[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
}

}  // namespace diofs::sim
