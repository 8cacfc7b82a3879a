#include <gtest/gtest.h>

#include "harness/scenario/scenario.h"
#include "tests/harness/support/scenario_json.h"

namespace dioh {
namespace {

using test_support::ScenarioToJson;

// ParseScenario(ScenarioToJson(s)) gives s back: compared through the JSON.
void ExpectRoundTrip(const Scenario& scenario) {
  const nlohmann::json json = ScenarioToJson(scenario);
  auto parsed = ParseScenario(json.dump(), "roundtrip.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message() << "\n" << json.dump(2);
  EXPECT_EQ(ScenarioToJson(*parsed), json);
  EXPECT_EQ(parsed->expect.has_value(), scenario.expect.has_value());
  EXPECT_EQ(parsed->source_file, "roundtrip.json");
}

TEST(ScenarioJsonTest, DefaultsShowEveryField) {
  Scenario scenario;
  scenario.name = "defaults";
  const nlohmann::json json = ScenarioToJson(scenario);
  EXPECT_EQ(json["diofs"]["profile"], "strict-4k");
  EXPECT_EQ(json["guest"]["ram"], "pc.ram=256M");
  EXPECT_EQ(json["guest"]["passes"], 1);
  EXPECT_EQ(json["load"], true);
  EXPECT_FALSE(json.contains("expect"));
  EXPECT_FALSE(json["diofs"].contains("faults"));
  ExpectRoundTrip(scenario);
}

TEST(ScenarioJsonTest, EveryFieldRoundTrips) {
  Scenario scenario;
  scenario.name = "full";
  scenario.description = "all of it";
  scenario.diofs = DiofsSetup{"strict-64k", "passthrough", "record", "nvme", "1G",
                              nlohmann::json::parse(R"({"rules": [{"op": "fsync", "action": {"errno": "EIO"}}]})").dump(2)};
  scenario.guest = GuestSetup{"pc.ram=32M,rom=64K", 5, 0.25, 0.5, 4};
  scenario.capabilities = {{"mapped-ram", true}, {"multifd", false}};
  scenario.parameters = nlohmann::json{{"direct-io", true}, {"zero-page-detection", "legacy"}};
  scenario.uri_offset = 4096;
  scenario.preload = true;
  scenario.load = false;
  scenario.no_direct_io_build = true;
  scenario.timeout_seconds = 7.5;
  scenario.expect = ExpectedOutcome::Failure("No build-time support for direct-io");
  scenario.matrix = true;
  ExpectRoundTrip(scenario);
  EXPECT_EQ(ScenarioToJson(scenario)["expect"]["error"], "No build-time support for direct-io");
  scenario.expect->rejected_io = true;
  ExpectRoundTrip(scenario);
  EXPECT_EQ(ScenarioToJson(scenario)["expect"]["rejected_io"], true);
}

// Every committed scenario file (run, matrix and regress) parses and survives
// the round trip through its JSON.
TEST(ScenarioJsonTest, EveryCommittedScenarioRoundTrips) {
  std::size_t count = 0;
  for (const std::string& dir : {std::string(SCENARIO_DIR), std::string(SCENARIO_DIR) + "/regress"}) {
    auto scenarios = LoadScenarioDir(dir);
    ASSERT_TRUE(scenarios.ok()) << scenarios.status().ToString();
    for (const Scenario& scenario : *scenarios) {
      SCOPED_TRACE(scenario.source_file);
      ExpectRoundTrip(scenario);
      ++count;
    }
  }
  EXPECT_GE(count, 10u);
}

}  // namespace
}  // namespace dioh
