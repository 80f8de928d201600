// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QtCore/qglobal.h>

#if defined(SWITCHBOARD_BUILD_CORE)
#define SWITCHBOARD_EXPORT Q_DECL_EXPORT
#else
#define SWITCHBOARD_EXPORT Q_DECL_IMPORT
#endif

namespace sb {
using SubscriptionId = quint64;
}
