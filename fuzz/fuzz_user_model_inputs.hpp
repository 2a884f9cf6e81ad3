// What the user-model fuzz target does with one input, shared with the
// regression test (tests/reliability/test_user_model_cache.cpp): the bytes as a
// scenario, every user model in it parsed and, if accepted, built for the
// interpreter (never the C compiler: a fuzzer must not spawn processes) and
// evaluated once. Bad input must end in a typed twinsim error, nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"
#include "twinsim/pkpd/user/user_model.hpp"

namespace twinsim::fuzz {

// Returns the number of user models accepted.
inline int user_model_bytes(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  int accepted = 0;
  try {
    const auto root = core::ConfigNode::load_string(text, "fuzz.yaml");
    for (const auto& block : pkpd::user::user_model_blocks(root)) {
      core::Diagnostics diag;
      pkpd::user::UserModelParseOptions opt;
      opt.form = block.form;
      auto spec = pkpd::user::parse_user_model(block.node, diag, opt);
      if (!diag.empty()) continue;
      pkpd::user::CompileOptions compile;
      compile.allow_compile = false;
      const auto m = pkpd::user::build_user_model(std::move(spec), compile);
      auto s = m.make_scratch();
      const std::size_t n = static_cast<std::size_t>(m.n_states());
      std::vector<double> p = m.default_parameters(), y(n), dy(n), J(n * n), u(static_cast<std::size_t>(m.n_inputs()), 1.0),
          dJdu(n * u.size()), out(static_cast<std::size_t>(m.n_outputs()));
      m.initial_state(p.data(), y.data(), s);
      m.rhs(1.0, y.data(), p.data(), u.data(), dy.data(), s);
      m.jacobian(1.0, y.data(), p.data(), u.data(), J.data(), dJdu.data(), s);
      m.outputs(1.0, y.data(), p.data(), u.data(), out.data(), s);
      ++accepted;
    }
  } catch (const core::TwinsimError&) {
  }
  return accepted;
}

}  // namespace twinsim::fuzz
