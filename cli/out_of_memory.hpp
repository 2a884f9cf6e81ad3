// Out of memory, said in words: how much was asked, and the limit it met.
#pragma once

#include <exception>
#include <string>

namespace twinsim::cli {

// The message for a failure that reached the top of a command: for
// std::bad_alloc "out of memory: a request for 1.2 GiB could not be met
// (...)", else e.what().
std::string error_text(const std::exception& e);

}  // namespace twinsim::cli
