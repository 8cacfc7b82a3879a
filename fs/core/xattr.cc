#include "fs/core/xattr.h"

#include <sys/xattr.h>

#include <array>
#include <cerrno>

namespace diofs {
namespace {

constexpr std::array<std::string_view, 3> kNamespaces = {"user.", "trusted.", "security."};

dioh::Status NoData(std::string_view name) {
  return dioh::Status::Error(ENODATA, "no extended attribute '" + std::string(name) + "'");
}

}  // namespace

dioh::Status CheckXattrName(std::string_view name) {
  for (std::string_view prefix : kNamespaces) {
    if (name.substr(0, prefix.size()) != prefix) continue;
    if (name.size() == prefix.size()) {
      return dioh::Status::Error(EINVAL, "extended attribute name '" + std::string(name) + "' is only a namespace");
    }
    return dioh::Status::Ok();
  }
  return dioh::Status::Error(EOPNOTSUPP, "extended attribute '" + std::string(name) +
                                             "': diofs keeps the user., trusted. and security. namespaces only");
}

bool XattrListedFor(std::string_view name, bool privileged) {
  return privileged || name.substr(0, 8) != "trusted.";
}

dioh::Result<std::string> XattrMap::Get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return NoData(name);
  return it->second;
}

dioh::Status XattrMap::Set(std::string_view name, std::string_view value, int flags) {
  if (value.size() > kXattrValueMax) return dioh::Status::Error(E2BIG, "extended attribute value too large");
  const auto it = values_.find(name);
  if (it != values_.end() && (flags & XATTR_CREATE) != 0) {
    return dioh::Status::Error(EEXIST, "extended attribute '" + std::string(name) + "' exists");
  }
  if (it == values_.end() && (flags & XATTR_REPLACE) != 0) return NoData(name);
  if (it != values_.end()) {
    it->second.assign(value);
  } else {
    values_.emplace(std::string(name), std::string(value));
  }
  return dioh::Status::Ok();
}

std::vector<std::string> XattrMap::Names() const {
  std::vector<std::string> names;
  names.reserve(values_.size());
  for (const auto& [name, value] : values_) names.push_back(name);
  return names;
}

dioh::Status XattrMap::Remove(std::string_view name) {
  const auto it = values_.find(name);
  if (it == values_.end()) return NoData(name);
  values_.erase(it);
  return dioh::Status::Ok();
}

dioh::Result<XattrReply> FitXattrReply(std::string data, std::size_t buffer_size) {
  if (buffer_size == 0) return XattrReply{std::move(data), /*size_only=*/true};
  if (data.size() > buffer_size) {
    return dioh::Status::Error(ERANGE, "the answer needs " + std::to_string(data.size()) + " bytes, the buffer has " +
                                           std::to_string(buffer_size));
  }
  return XattrReply{std::move(data), /*size_only=*/false};
}

std::string XattrNameList(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) {
    list += name;
    list += '\0';
  }
  return list;
}

}  // namespace diofs
