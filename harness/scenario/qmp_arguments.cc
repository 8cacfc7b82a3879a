#include "harness/scenario/qmp_arguments.h"

#include <nlohmann/json.hpp>

namespace dioh {

QmpArguments::QmpArguments() : object_(std::make_unique<nlohmann::json>(nlohmann::json::object())) {}
QmpArguments::QmpArguments(const nlohmann::json& object) : object_(std::make_unique<nlohmann::json>(object)) {}
QmpArguments::QmpArguments(const QmpArguments& other) : object_(std::make_unique<nlohmann::json>(other.json())) {}
QmpArguments& QmpArguments::operator=(const QmpArguments& other) {
  if (this != &other) object_ = std::make_unique<nlohmann::json>(other.json());
  return *this;
}
QmpArguments::QmpArguments(QmpArguments&& other) noexcept = default;
QmpArguments& QmpArguments::operator=(QmpArguments&& other) noexcept = default;
QmpArguments::~QmpArguments() = default;

}  // namespace dioh
