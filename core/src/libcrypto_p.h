// SPDX-License-Identifier: Apache-2.0
#pragma once

// OpenSSL 3's libcrypto, loaded when first needed. libswitchboard does not link it: a hub that
// configures no API key, JWT or client certificate never maps it (about 1.4 MB of idle RSS, issue
// #11). The headers give the types and the prototypes; the functions come from dlsym.

#include <QString>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace sb::detail {

// Every libcrypto function core calls. A new call needs its name here.
#define SB_LIBCRYPTO_FUNCTIONS(F)                                                                  \
    F(ASN1_STRING_get0_data)                                                                       \
    F(ASN1_STRING_length)                                                                          \
    F(BIO_free)                                                                                    \
    F(BIO_new_mem_buf)                                                                             \
    F(BN_bin2bn)                                                                                   \
    F(BN_free)                                                                                     \
    F(CRYPTO_free)                                                                                 \
    F(CRYPTO_memcmp)                                                                               \
    F(ECDSA_SIG_free)                                                                              \
    F(ECDSA_SIG_new)                                                                               \
    F(ECDSA_SIG_set0)                                                                              \
    F(EVP_DigestVerify)                                                                            \
    F(EVP_DigestVerifyInit)                                                                        \
    F(EVP_MD_CTX_free)                                                                             \
    F(EVP_MD_CTX_new)                                                                              \
    F(EVP_MD_get_size)                                                                             \
    F(EVP_PBE_scrypt)                                                                              \
    F(EVP_PKEY_CTX_free)                                                                           \
    F(EVP_PKEY_CTX_new_from_name)                                                                  \
    F(EVP_PKEY_CTX_new_from_pkey)                                                                  \
    F(EVP_PKEY_free)                                                                               \
    F(EVP_PKEY_fromdata)                                                                           \
    F(EVP_PKEY_fromdata_init)                                                                      \
    F(EVP_PKEY_get_bits)                                                                           \
    F(EVP_PKEY_get_utf8_string_param)                                                              \
    F(EVP_PKEY_is_a)                                                                               \
    F(EVP_PKEY_public_check)                                                                       \
    F(EVP_sha256)                                                                                  \
    F(EVP_sha384)                                                                                  \
    F(EVP_sha512)                                                                                  \
    F(GENERAL_NAMES_free)                                                                          \
    F(HMAC)                                                                                        \
    F(OPENSSL_cleanse)                                                                             \
    F(OPENSSL_sk_num)                                                                              \
    F(OPENSSL_sk_value)                                                                            \
    F(OSSL_PARAM_BLD_free)                                                                         \
    F(OSSL_PARAM_BLD_new)                                                                          \
    F(OSSL_PARAM_BLD_push_BN)                                                                      \
    F(OSSL_PARAM_BLD_push_octet_string)                                                            \
    F(OSSL_PARAM_BLD_push_utf8_string)                                                             \
    F(OSSL_PARAM_BLD_to_param)                                                                     \
    F(OSSL_PARAM_free)                                                                             \
    F(PEM_read_bio_PUBKEY)                                                                         \
    F(PEM_read_bio_X509)                                                                           \
    F(X509_free)                                                                                   \
    F(X509_get_ext_d2i)                                                                            \
    F(X509_get_pubkey)                                                                             \
    F(d2i_X509)                                                                                    \
    F(i2d_ECDSA_SIG)

struct LibCrypto
{
#define SB_LIBCRYPTO_POINTER(name) decltype(&::name) name = nullptr;
    SB_LIBCRYPTO_FUNCTIONS(SB_LIBCRYPTO_POINTER)
#undef SB_LIBCRYPTO_POINTER
};

// The library, loaded by the first call (thread-safe); nullptr if it cannot be loaded or lacks a
// function, with the reason in *error.
const LibCrypto *libCrypto(QString *error = nullptr);

// The library where a successful libCrypto() call has already happened: a key or a hash that
// exists was made with it.
const LibCrypto &loadedLibCrypto();

} // namespace sb::detail
