// SPDX-License-Identifier: Apache-2.0
// The daemon's YAML config: DaemonConfig::fromYaml (yaml-cpp, then every section's parser:
// communication and its plugins, channels, limits, retry, auth, log, shutdown-drain, remote, acl).
//
// Input: the config file's text. Oracle: no crash, no exception out of yaml-cpp, no hang; an
// accepted config names its source.
#include "fuzzsupport.h"

#include <daemonconfig.h>

using namespace sb;
using namespace sb::daemon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    const QString source = QStringLiteral("fuzz.yaml");
    Result<DaemonConfig> config = DaemonConfig::fromYaml(sb::fuzz::bytes(data, size).toByteArray(), source);
    if (config)
        SB_FUZZ_CHECK(config.value().sourceName == source);
    else
        SB_FUZZ_CHECK(config.error().isError());
    return 0;
}
