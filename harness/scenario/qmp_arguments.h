// QmpArguments: the arguments of one QMP command (a JSON object), held by
// pointer so that the headers that carry them (Scenario::parameters,
// MigrationRequest::parameters) need only <nlohmann/json_fwd.hpp>: the files
// that include those headers, most of the harness, then do not compile the
// JSON library. The few .cc files that build or read the arguments include
// <nlohmann/json.hpp> and use json().
#pragma once

#include <memory>

#include <nlohmann/json_fwd.hpp>

namespace dioh {

class QmpArguments {
 public:
  QmpArguments();  // {}
  // Implicit, so that a JSON object reads as arguments where they are expected.
  QmpArguments(const nlohmann::json& object);  // NOLINT(google-explicit-constructor)
  QmpArguments(const QmpArguments& other);
  QmpArguments& operator=(const QmpArguments& other);
  // A moved-from QmpArguments may only be assigned to or destroyed.
  QmpArguments(QmpArguments&& other) noexcept;
  QmpArguments& operator=(QmpArguments&& other) noexcept;
  ~QmpArguments();

  const nlohmann::json& json() const { return *object_; }
  nlohmann::json& json() { return *object_; }

 private:
  std::unique_ptr<nlohmann::json> object_;  // never null, except moved from
};

}  // namespace dioh
