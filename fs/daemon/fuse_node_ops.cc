// The FUSE handlers of links, special files and extended attributes.
#include <string>

#include "fs/daemon/fuse_ops.h"

namespace diofs::fuse_ops {
namespace {

void OnSymlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
  ReplyEntry(req, Fs(req).Symlink(parent, name, target, CallerOf(req)));
}

void OnReadLink(fuse_req_t req, fuse_ino_t ino) {
  auto target = Fs(req).ReadLink(ino);
  if (!target.ok()) return ReplyError(req, target.status());
  fuse_reply_readlink(req, target->c_str());
}

void OnLink(fuse_req_t req, fuse_ino_t ino, fuse_ino_t new_parent, const char* new_name) {
  ReplyEntry(req, Fs(req).Link(ino, new_parent, new_name, CallerOf(req)));
}

// mknod(2) of a FIFO or a socket (bind(2) of a unix socket makes one); the
// kernel itself serves what is opened there, diofs only keeps the node.
void OnMknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t /*rdev*/) {
  ReplyEntry(req, Fs(req).MakeNode(parent, name, mode, CallerOf(req)));
}

void ReplyXattr(fuse_req_t req, const dioh::Result<XattrReply>& reply) {
  if (!reply.ok()) return ReplyError(req, reply.status());
  if (reply->size_only) {
    fuse_reply_xattr(req, reply->data.size());
  } else {
    fuse_reply_buf(req, reply->data.data(), reply->data.size());
  }
}

void OnSetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size, int flags) {
  ReplyError(req, Fs(req).SetXattr(ino, name, std::string_view(value, size), flags));
}

void OnGetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  ReplyXattr(req, Fs(req).GetXattr(ino, name, size));
}

void OnListXattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  ReplyXattr(req, Fs(req).ListXattr(ino, size, CallerOf(req)));
}

void OnRemoveXattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
  ReplyError(req, Fs(req).RemoveXattr(ino, name));
}

}  // namespace

void SetNodeOps(fuse_lowlevel_ops& ops) {
  ops.symlink = OnSymlink;
  ops.readlink = OnReadLink;
  ops.link = OnLink;
  ops.mknod = OnMknod;
  ops.setxattr = OnSetXattr;
  ops.getxattr = OnGetXattr;
  ops.listxattr = OnListXattr;
  ops.removexattr = OnRemoveXattr;
}

}  // namespace diofs::fuse_ops
