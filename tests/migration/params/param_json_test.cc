#include "migration/params/param_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mrm::params {
namespace {

dioh::Status ParseError(const char* text) {
  auto parsed = ParseSetParametersArguments(Json::parse(text));
  return parsed.ok() ? dioh::Status::Ok() : parsed.status();
}

TEST(ParamJsonTest, ParsesTypedValuesInSchemaOrder) {
  auto changes = ParseSetParametersArguments(
      Json::parse(R"({"direct-io": true, "multifd-channels": 4, "zero-page-detection": "none",
                      "x-inject": ["ungated-direct-io"], "tls-creds": null})"));
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->size(), 5u);
  EXPECT_EQ((*changes)[0].spec->name, "tls-creds");
  EXPECT_EQ(std::get<std::string>((*changes)[0].value), "");
  EXPECT_EQ((*changes)[1].spec->name, "multifd-channels");
  EXPECT_EQ(std::get<std::uint64_t>((*changes)[1].value), 4u);
  EXPECT_EQ((*changes)[3].spec->name, "direct-io");
  EXPECT_TRUE(std::get<bool>((*changes)[3].value));
}

TEST(ParamJsonTest, VisitorErrorsHaveQemuTexts) {
  EXPECT_EQ(ParseError(R"({"direct-io": "yes"})").message(),
            "Invalid parameter type for 'direct-io', expected: boolean");
  EXPECT_EQ(ParseError(R"({"multifd-channels": 256})").message(),
            "Parameter 'multifd-channels' expects uint8_t");
  EXPECT_EQ(ParseError(R"({"multifd-channels": "2"})").message(),
            "Parameter 'multifd-channels' expects uint64");
  EXPECT_EQ(ParseError(R"({"multifd-channels": 2.5})").message(),
            "Parameter 'multifd-channels' expects uint64");
  EXPECT_EQ(ParseError(R"({"no-such-thing": 1})").message(), "Parameter 'no-such-thing' is unexpected");
  EXPECT_EQ(ParseError(R"({"cpr-exec-command": ["a", 1]})").message(),
            "Invalid parameter type for 'cpr-exec-command[1]', expected: string");
  EXPECT_EQ(ParseError(R"({"zero-page-detection": 1})").message(),
            "Invalid parameter type for 'zero-page-detection', expected: string");
  // A bad known member is reported before an unknown one, as QEMU's visitor does.
  EXPECT_EQ(ParseError(R"({"zzz": 1, "direct-io": 3})").message(),
            "Invalid parameter type for 'direct-io', expected: boolean");
}

TEST(ParamJsonTest, CapabilitiesArguments) {
  auto changes = ParseSetCapabilitiesArguments(Json::parse(
      R"({"capabilities": [{"capability": "mapped-ram", "state": true}, {"capability": "multifd", "state": false}]})"));
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].capability, Capability::kMappedRam);
  EXPECT_TRUE((*changes)[0].enabled);
  auto error = [](const char* text) {
    return ParseSetCapabilitiesArguments(Json::parse(text)).status().message();
  };
  EXPECT_EQ(error("{}"), "Parameter 'capabilities' is missing");
  EXPECT_EQ(error(R"({"capabilities": {}})"), "Invalid parameter type for 'capabilities', expected: array");
  EXPECT_EQ(error(R"({"capabilities": [{"capability": "fixed-ram", "state": true}]})"),
            "Parameter 'capability' does not accept value 'fixed-ram'");
  EXPECT_EQ(error(R"({"capabilities": [{"capability": "multifd"}]})"),
            "Parameter 'capabilities[0].state' is missing");
  EXPECT_EQ(error(R"({"capabilities": [{"capability": "multifd", "state": "on"}]})"),
            "Invalid parameter type for 'capabilities[0].state', expected: boolean");
  EXPECT_EQ(error(R"({"capabilities": [{"capability": "multifd", "state": true, "x": 1}]})"),
            "Parameter 'capabilities[0].x' is unexpected");
}

TEST(ParamJsonTest, QueryForms) {
  MigrationParameters p;
  const Json params = ParametersToJson(p);
  EXPECT_EQ(params.at("direct-io"), false);
  EXPECT_EQ(params.at("multifd-channels"), 2);
  EXPECT_EQ(params.at("zero-page-detection"), "multifd");
  EXPECT_EQ(params.at("max-bandwidth"), 134217728);
  EXPECT_EQ(params.at("tls-creds"), "");
  EXPECT_EQ(params.at("x-inject"), Json::array());
  CapabilitySet caps;
  caps.set(Capability::kMappedRam, true);
  const Json list = CapabilitiesToJson(caps);
  ASSERT_EQ(list.size(), kCapabilityCount);
  EXPECT_EQ(list.front().dump(), R"({"capability":"xbzrle","state":false})");
  EXPECT_EQ(list.back().dump(), R"({"capability":"mapped-ram","state":true})");
}

}  // namespace
}  // namespace mrm::params
