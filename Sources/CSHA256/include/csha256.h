// CSHA256: SHA-256's block function on the x86-64 SHA extensions, for
// StewardCore's SHA256 (which keeps a portable Swift block function for
// every other machine). Every name is prefixed `stw_`.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the SHA extensions (with SSSE3 and SSE4.1, which the
/// block function also uses). Always 0 off x86-64.
int stw_sha256_hardware(void);

/// Compresses `blocks` 64-byte blocks at `data` into `state` (H0…H7).
/// Call only when `stw_sha256_hardware()` is 1.
void stw_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);
