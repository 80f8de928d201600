// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace sb::console {

class ConsoleController;

// Registers the console's C++ backend for QML as "Switchboard.Console.Backend": the controller as
// the Hub singleton, the payload formatter as Payload, and the RateChart item.
void registerConsoleTypes(ConsoleController *controller);

} // namespace sb::console
