#include "migration/params/file_uri.h"

#include <cerrno>
#include <cstring>

#include "migration/params/size_parse.h"

namespace mrm::params {
namespace {

bool StartsWith(const std::string& text, const char* prefix) {
  return text.compare(0, std::strlen(prefix), prefix) == 0;
}

}  // namespace

dioh::Result<MigrationUri> ParseMigrationUri(const std::string& uri) {
  MigrationUri parsed;
  if (StartsWith(uri, "file:")) {
    parsed.path = uri.substr(5);
    constexpr std::string_view kOffsetOption = ",offset=";
    const std::size_t option = parsed.path.find(kOffsetOption);
    if (option != std::string::npos) {
      const std::string value = parsed.path.substr(option + kOffsetOption.size());
      parsed.path.resize(option);
      auto offset = ParseSize(value);
      if (!offset.ok()) {
        // error_setg_errno() appends the errno text of the qemu_strtosz() result.
        return dioh::ErrnoStatus(offset.status().code(), "file URI has bad offset " + value);
      }
      parsed.offset = *offset;
    }
    return parsed;
  }
  struct Scheme {
    const char* prefix;
    Transport transport;
  };
  for (const Scheme scheme : {Scheme{"tcp:", Transport::kSocket}, Scheme{"unix:", Transport::kSocket},
                              Scheme{"vsock:", Transport::kSocket}, Scheme{"exec:", Transport::kExec},
                              Scheme{"fd:", Transport::kFd}, Scheme{"rdma:", Transport::kRdma}}) {
    if (StartsWith(uri, scheme.prefix)) {
      parsed.transport = scheme.transport;
      parsed.path = uri.substr(std::strlen(scheme.prefix));
      return parsed;
    }
  }
  return dioh::Status::Error(EINVAL, "Parameter 'uri' expects a valid migration protocol");
}

}  // namespace mrm::params
