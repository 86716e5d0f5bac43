/*
 * UF2 constants, from the UF2 specification
 * (https://github.com/microsoft/uf2, README.md "File format"): a file is a
 * sequence of 512-byte blocks, each self-contained, written to the boot
 * drive under any name in any order; the device decodes every sector it is
 * given.
 */
#ifndef RIG_UF2_PROTO_H
#define RIG_UF2_PROTO_H

#define RIG_UF2_MAGIC_START0 0x0A324655u /* "UF2\n" (offset 0) */
#define RIG_UF2_MAGIC_START1 0x9E5D5157u /* offset 4 */
#define RIG_UF2_MAGIC_END 0x0AB16F30u	 /* offset 508 */
#define RIG_UF2_BLOCK_SIZE 512
#define RIG_UF2_DATA_MAX 476 /* bytes 32..507 */
#define RIG_UF2_PAYLOAD 256  /* what rig writes, as every RP2040 tool does */

/* flags (offset 8) */
#define RIG_UF2_FLAG_NOT_MAIN_FLASH 0x00000001u
#define RIG_UF2_FLAG_FILE_CONTAINER 0x00001000u
#define RIG_UF2_FLAG_FAMILY_ID 0x00002000u /* fileSize (offset 28) is a family ID */
#define RIG_UF2_FLAG_MD5 0x00004000u
#define RIG_UF2_FLAG_EXTENSION 0x00008000u

/* family IDs (uf2families.json; the RP2350 ones from the RP2350 datasheet
 * section 5.5.3 "UF2 targeting rules") */
#define RIG_UF2_FAMILY_RP2040 0xE48BFF56u
#define RIG_UF2_FAMILY_ABSOLUTE 0xE48BFF57u
#define RIG_UF2_FAMILY_DATA 0xE48BFF58u
#define RIG_UF2_FAMILY_RP2350_ARM_S 0xE48BFF59u
#define RIG_UF2_FAMILY_RP2350_RISCV 0xE48BFF5Au
#define RIG_UF2_FAMILY_RP2350_ARM_NS 0xE48BFF5Bu

#endif
