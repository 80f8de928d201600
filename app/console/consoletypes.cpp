// SPDX-License-Identifier: Apache-2.0
#include "consoletypes.h"

#include "consolecontroller.h"
#include "hubbook.h"
#include "payloadformatter.h"
#include "ratechart.h"
#include "replaycontroller.h"
#include "storedmessagesmodel.h"
#include "topicfiltermodel.h"
#include "topictreeproxy.h"

#include <QQmlEngine>

namespace sb::console {

void registerConsoleTypes(ConsoleController *controller)
{
    constexpr const char *uri = "Switchboard.Console.Backend";
    qmlRegisterSingletonInstance(uri, 1, 0, "Hub", controller);
    qmlRegisterSingletonType<PayloadFormatter>(uri, 1, 0, "Payload",
                                               [](QQmlEngine *, QJSEngine *) -> QObject * { return new PayloadFormatter; });
    qmlRegisterType<RateChart>(uri, 1, 0, "RateChart");
    qmlRegisterType<HubBook>(uri, 1, 0, "HubBook");
    qmlRegisterUncreatableType<TopicTreeProxy>(uri, 1, 0, "TopicTreeProxy", QStringLiteral("the console creates it"));
    qmlRegisterUncreatableType<StoredMessagesModel>(uri, 1, 0, "StoredMessagesModel", QStringLiteral("the console creates it"));
    qmlRegisterUncreatableType<ReplayController>(uri, 1, 0, "ReplayController", QStringLiteral("the console creates it"));
    qmlRegisterUncreatableType<TopicFilterModel>(uri, 1, 0, "TopicFilterModel", QStringLiteral("the console creates it"));
}

} // namespace sb::console
