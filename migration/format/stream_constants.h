// Constants of QEMU's migration stream (savevm.c, ram.c, ram.h) that a
// mapped-ram file uses. All multi-byte integers in the stream are big-endian.
#pragma once

#include <cstdint>

namespace mrm::format {

inline constexpr uint32_t kFileMagic = 0x5145564d;  // "QEVM", QEMU_VM_FILE_MAGIC
inline constexpr uint32_t kFileVersion = 3;         // QEMU_VM_FILE_VERSION

// Section type bytes (QEMU_VM_*).
enum SectionType : uint8_t {
  kEof = 0x00,
  kSectionStart = 0x01,
  kSectionPart = 0x02,
  kSectionEnd = 0x03,
  kSectionFull = 0x04,
  kSubsection = 0x05,
  kVmDescription = 0x06,
  kConfiguration = 0x07,
  kCommand = 0x08,
  kSectionFooter = 0x7e,
};

// MIG_CMD_SWITCHOVER_START (savevm.c), sent since QEMU 10.0 before completion.
inline constexpr uint16_t kCmdSwitchoverStart = 0x0b;

// RAM_SAVE_FLAG_* (ram.c): the low bits of a be64 whose high bits are an address.
inline constexpr uint64_t kRamFlagZero = 0x02;
inline constexpr uint64_t kRamFlagMemSize = 0x04;
inline constexpr uint64_t kRamFlagPage = 0x08;
inline constexpr uint64_t kRamFlagEos = 0x10;
inline constexpr uint64_t kRamFlagContinue = 0x20;
inline constexpr uint64_t kRamFlagXbzrle = 0x40;
inline constexpr uint64_t kRamFlagHook = 0x80;
inline constexpr uint64_t kRamFlagMultifdFlush = 0x200;

// ram.c parses flags with TARGET_PAGE_MASK; x86 target pages are 4 KiB.
inline constexpr uint64_t kTargetPageSize = 4096;

inline constexpr const char* kRamIdstr = "ram";
inline constexpr uint32_t kRamSectionVersion = 4;  // ram_load() accepts only 4
inline constexpr const char* kCapabilitiesSubsection = "configuration/capabilities";
inline constexpr uint32_t kCapabilitiesVersion = 1;
inline constexpr const char* kMappedRamCapability = "mapped-ram";

// MAPPED_RAM_HDR_VERSION and MAPPED_RAM_FILE_OFFSET_ALIGNMENT (ram.c): every
// block's pages region starts on a 1 MiB boundary of the file. The one place
// this alignment is written: the engine lays regions out with it and the
// harness checks them against it.
inline constexpr uint32_t kMappedRamHeaderVersion = 1;
inline constexpr uint64_t kMappedRamFileOffsetAlignment = 0x100000;
// MAPPED_RAM_LOAD_BUF_SIZE (ram.c): the largest read a loader hands a channel.
inline constexpr uint64_t kMappedRamLoadBufSize = 0x100000;
// MULTIFD_PACKET_SIZE (multifd.h): the most bytes of one block a multifd
// batch carries, hence the longest channel write; in pages, the batch size
// the engine queues and the harness checks (128 target pages).
inline constexpr uint64_t kMultifdPacketSize = 512 * 1024;
inline constexpr uint64_t kMultifdPagesPerPacket = kMultifdPacketSize / kTargetPageSize;

}  // namespace mrm::format
