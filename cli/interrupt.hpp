// SIGINT (Ctrl-C), SIGTERM (kill, scancel, a time limit) and SIGHUP (a closed
// terminal) during run, sweep and merge: the first signal asks the work to
// stop at the next safe point (between trials), where the temporary output is
// removed; a second one kills the process at once.
#pragma once

namespace twinsim::cli {

// Installs the handlers (idempotent).
void install_interrupt_handlers();
bool interrupt_requested();
// The first signal received, or 0.
int interrupt_signal();
// 128 + the first signal received, as shells report a death by that signal:
// 130 SIGINT, 143 SIGTERM, 129 SIGHUP.
int interrupt_exit_code();
// True for the codes interrupt_exit_code() can return.
bool is_interrupt_exit_code(int code);
// "SIGINT", "SIGTERM", "SIGHUP" for a signal number, or for an exit code 128 + it.
const char* signal_name(int signal_or_code);

}  // namespace twinsim::cli
