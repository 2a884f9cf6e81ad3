// Ctrl-C (SIGINT) and SIGTERM during long commands: the first signal asks the
// work to stop at the next safe point; a second one kills the process.
#pragma once

namespace twinsim::cli {

constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// Installs the handlers (idempotent).
void install_interrupt_handlers();
bool interrupt_requested();

}  // namespace twinsim::cli
