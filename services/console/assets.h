// The console's own static files, compiled in (no file is read from a request's path).
#ifndef TIERHUB_SERVICES_CONSOLE_ASSETS_H_
#define TIERHUB_SERVICES_CONSOLE_ASSETS_H_

#include "absl/strings/string_view.h"

namespace tierhub::console {

absl::string_view ConsoleCss();
absl::string_view ConsoleJs();

}  // namespace tierhub::console

#endif  // TIERHUB_SERVICES_CONSOLE_ASSETS_H_
