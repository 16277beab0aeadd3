// SHA-256 through OpenSSL's SHA256_* functions: deprecated in OpenSSL 3 in favour of EVP, but the only
// interface whose state (SHA256_CTX) can be saved and resumed — a grown log's hash continues from
// the state after its loaded bytes instead of reading them again. Same implementation as EVP's.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
