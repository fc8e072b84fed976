// libsodium behind a small surface: random tokens, BLAKE2b (plain and keyed), HMAC-SHA256,
// argon2id password hashing, constant-time comparison.
#pragma once
#include <string>
#include <string_view>

namespace pomost::auth {

// Must be called once before any other function here (idempotent, thread-safe).
void init_crypto();

std::string random_bytes(size_t n);
// 256 random bits, URL-safe base64 without padding (43 characters).
std::string random_token();
// An id with a type prefix: "pat_" + 20 base32 characters (100 random bits).
std::string new_id(std::string_view prefix);
// A one-time code people can type: 12 characters of Crockford base32 in groups of four.
std::string invite_code();
// Normalizes a typed invite code (case, dashes, spaces, look-alike letters).
std::string normalize_invite_code(std::string_view typed);

std::string blake2b(std::string_view data);                              // 32 bytes
std::string blake2b_keyed(std::string_view key, std::string_view data);  // 32 bytes, key 16..64 bytes
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
bool equal_constant_time(std::string_view a, std::string_view b);

enum class HashCost { minimal, interactive, moderate };
// argon2id in libsodium's string format (salt and parameters inside).
std::string hash_password(std::string_view password, HashCost cost);
bool verify_password(std::string_view stored_hash, std::string_view password);

}  // namespace pomost::auth
