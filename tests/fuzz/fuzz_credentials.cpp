// SPDX-License-Identifier: Apache-2.0
// The credential parsers: whatever a client presents as its token reaches the auth chain (API keys,
// JWTs, SHA-256 tokens), and a JWKS document (a file or a jwks-uri's answer) reaches Jwks::fromJson.
//
// Input: the bytes as a credential, and the same bytes as a JWKS document. Oracles: random input never
// authenticates; a refusal is UNAUTHENTICATED (or RATE_LIMITED from the throttle) and its message never
// repeats the credential; a key set is refused with INVALID_CONFIG or holds 1..MaxKeys keys with
// distinct kids.
#include "fuzzsupport.h"

#include <switchboard/apikeyprovider.h>
#include <switchboard/authchain.h>
#include <switchboard/jwks.h>
#include <switchboard/jwtprovider.h>
#include <switchboard/tokenauthenticator.h>

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

using namespace sb;

namespace {

const bool g_quiet = sb::fuzz::installQuietMessageHandler();

// Built once: an HS256 issuer (its secret in a file) and the other providers, as the daemon chains them.
struct Chain
{
    QTemporaryDir dir;
    AuthChain chain;
    Chain()
    {
        QFile secret(dir.filePath(QStringLiteral("hs256")));
        if (secret.open(QIODevice::WriteOnly))
            secret.write(QByteArray(32, 's'));
        secret.close();
        auto keys = std::make_shared<ApiKeyStore>();
        keys->setCost({1024, 8, 1});
        (void)keys->create(QStringLiteral("fuzz"), {});
        chain.addProvider(std::make_shared<ApiKeyProvider>(keys));
        const QVariantList issuers{QVariantMap{
            {QStringLiteral("issuer"), QStringLiteral("https://fuzz.example")},
            {QStringLiteral("audience"), QStringLiteral("switchboard")},
            {QStringLiteral("keys"), QVariantList{QVariantMap{{QStringLiteral("kid"), QStringLiteral("k1")},
                                                             {QStringLiteral("alg"), QStringLiteral("HS256")},
                                                             {QStringLiteral("secret-file"), secret.fileName()}}}}}};
        if (auto options = JwtProvider::fromVariantMap(issuers, QStringLiteral("auth.jwt"))) {
            if (auto jwt = JwtProvider::create(options.value()))
                chain.addProvider(jwt.value());
        }
        auto tokens = std::make_shared<TokenAuthenticator>();
        tokens->addToken(QStringLiteral("fuzz"), TokenAuthenticator::digestHex("a-token-nobody-guesses"));
        chain.addProvider(tokens);
    }
};

Chain &chain()
{
    static int argc = 1;
    static char name[] = "fuzz_credentials";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv); // the jwt provider's objects want an application
    static Chain c;
    return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)g_quiet;
    const QByteArray input = sb::fuzz::bytes(data, size).toByteArray();

    AuthRequest request;
    request.credential = input;
    request.protocol = QStringLiteral("native");
    const Result<Identity> r = chain().chain.authenticate(request); // no peer: never throttled
    SB_FUZZ_CHECK(!r);
    SB_FUZZ_CHECK(r.error().code == ErrorCode::Unauthenticated);
    if (input.size() >= 12)
        SB_FUZZ_CHECK(!r.error().message.toUtf8().contains(input));

    const Result<Jwks> set = Jwks::fromJson(input, jwtAlgorithms());
    if (!set) {
        SB_FUZZ_CHECK(set.error().code == ErrorCode::InvalidConfig);
    } else {
        SB_FUZZ_CHECK(set->size() >= 1 && set->size() <= Jwks::MaxKeys);
        QSet<QString> kids;
        for (const JwtKey &k : set->keys()) {
            if (!k.kid().isEmpty()) {
                SB_FUZZ_CHECK(!kids.contains(k.kid()));
                kids.insert(k.kid());
            }
        }
    }
    return 0;
}
