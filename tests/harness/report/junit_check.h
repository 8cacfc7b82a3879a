// Reads a JUnit file the way a strict CI reader would: libxml2's xmllint
// parses it (any character XML 1.0 cannot carry fails here), validates it
// against junit.xsd (the elements and attributes Jenkins, GitLab and GitHub
// read), and checks with XPath that every count adds up to the test cases.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "tests/harness/cli/process_util.h"

namespace junit_check {

struct Tool {
  int code;
  std::string out, err;
};

inline Tool RunXmllint(std::vector<std::string> args, const std::string& dir) {
  args.insert(args.begin(), XMLLINT);
  cli_test::Child child = cli_test::Start(args, dir);
  if (child.pid <= 0) return {-1, "", std::string("cannot start ") + XMLLINT};
  const int code = cli_test::Wait(child, std::chrono::seconds(30));
  return {code, cli_test::ReadFile(child.out_path), cli_test::ReadFile(child.err_path)};
}

// "" when `path` is a JUnit file CI readers take whole; else what is wrong.
inline std::string Problems(const std::string& path) {
  if (!std::filesystem::exists(XMLLINT)) {
    return std::string(XMLLINT) + " not found: scripts/install-deps.sh installs libxml2-utils";
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const Tool schema = RunXmllint({"--noout", "--nonet", "--schema", JUNIT_XSD, path}, dir);
  if (schema.code != 0) return "xmllint --schema junit.xsd: " + schema.err;
  // Each suite's counts are its cases; the root's are all of them.
  const char* const kCountsAddUp =
      "not(//testsuite[count(testcase) != @tests or count(testcase/failure) != @failures or "
      "count(testcase/error) != @errors or count(testcase/skipped) != @skipped]) and "
      "count(//testcase) = /testsuites/@tests and count(//failure) = /testsuites/@failures and "
      "count(//error) = /testsuites/@errors and count(//skipped) = /testsuites/@skipped";
  const Tool counts = RunXmllint({"--xpath", kCountsAddUp, path}, dir);
  if (counts.code != 0 || counts.out.rfind("true", 0) != 0) return "counts do not add up: " + counts.out + counts.err;
  return "";
}

}  // namespace junit_check
