// UserModel: the spec differentiated, lowered and compiled (or interpreted).
#include "twinsim/pkpd/user/user_model.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "native.hpp"
#include "program.hpp"

namespace twinsim::pkpd::user {

struct UserModel::Code {
  Program program;
};

namespace {

struct Lowered {
  Program program;
  std::vector<std::pair<int, int>> jac_pattern, input_pattern;
};

// Derivatives go into the spec's own pool, so rhs and Jacobian share nodes.
Lowered lower(UserModelSpec& spec) {
  Lowered out;
  ExprPool& pool = spec.pool;
  const int n = static_cast<int>(spec.states.size());
  const int m = static_cast<int>(spec.inputs.size());
  std::vector<NodeId> jac_nodes;
  std::vector<std::uint8_t> jac_arrays;
  std::vector<std::int32_t> jac_slots;
  for (int j = 0; j < n; ++j) {
    std::unordered_map<NodeId, NodeId> memo;
    for (int i = 0; i < n; ++i) {
      const NodeId d = pool.derivative(spec.rhs[static_cast<std::size_t>(i)], Wrt::kState, j, memo);
      if (pool.is_constant(d, 0.0)) continue;
      out.jac_pattern.push_back({i, j});
      jac_nodes.push_back(d);
      jac_arrays.push_back(0);
      jac_slots.push_back(i + j * n);
    }
  }
  for (int k = 0; k < m; ++k) {
    std::unordered_map<NodeId, NodeId> memo;
    for (int i = 0; i < n; ++i) {
      const NodeId d = pool.derivative(spec.rhs[static_cast<std::size_t>(i)], Wrt::kInput, k, memo);
      if (pool.is_constant(d, 0.0)) continue;
      out.input_pattern.push_back({i, k});
      jac_nodes.push_back(d);
      jac_arrays.push_back(1);
      jac_slots.push_back(i + k * n);
    }
  }
  Program& prog = out.program;
  prog.n_states = n;
  prog.n_params = static_cast<int>(spec.parameters.size());
  prog.n_inputs = m;
  prog.n_outputs = static_cast<int>(spec.outputs.size());
  auto all = [](std::size_t count, std::uint8_t array) {
    std::pair<std::vector<std::uint8_t>, std::vector<std::int32_t>> r;
    for (std::size_t i = 0; i < count; ++i) {
      r.first.push_back(array);
      r.second.push_back(static_cast<std::int32_t>(i));
    }
    return r;
  };
  const std::size_t no_clear[2] = {0, 0};
  const auto rhs_slots = all(spec.rhs.size(), 0);
  prog.rhs = lower_function(pool, spec.rhs, rhs_slots.first, rhs_slots.second, no_clear);
  const std::size_t jac_clear[2] = {static_cast<std::size_t>(n) * static_cast<std::size_t>(n),
                                    static_cast<std::size_t>(n) * static_cast<std::size_t>(m)};
  prog.jac = lower_function(pool, jac_nodes, jac_arrays, jac_slots, jac_clear);
  std::vector<NodeId> outs, inits;
  for (const auto& o : spec.outputs) outs.push_back(o.value);
  for (const auto& s : spec.states) inits.push_back(s.initial);
  const auto out_slots = all(outs.size(), 0);
  prog.outputs = lower_function(pool, outs, out_slots.first, out_slots.second, no_clear);
  const auto init_slots = all(inits.size(), 0);
  prog.init = lower_function(pool, inits, init_slots.first, init_slots.second, no_clear);
  prog.registers.assign(pool.size(), 0.0);
  for (std::size_t r = 0; r < pool.size(); ++r) {
    const Node& node = pool.node(static_cast<NodeId>(r));
    if (node.op == Op::kConst) prog.registers[r] = node.value;
  }
  return out;
}

bool no_compile_requested() {
  const char* v = std::getenv("TWINSIM_NO_COMPILE");
  return v && *v && std::strcmp(v, "0") != 0;
}

}  // namespace

std::vector<double> UserModel::default_parameters() const {
  std::vector<double> p;
  for (const auto& x : spec_->parameters) p.push_back(x.value);
  return p;
}

UserModel::Scratch UserModel::make_scratch() const {
  Scratch s;
  if (backend_ == Backend::kInterpreter) s.registers = code_->program.registers;
  return s;
}

void UserModel::rhs(double t, const double* y, const double* p, const double* u, double* dydt, Scratch& s) const {
  if (native_.rhs) return native_.rhs(t, y, p, u, dydt);
  run(code_->program.rhs, t, y, p, u, s.registers.data(), dydt, nullptr);
}

void UserModel::jacobian(double t, const double* y, const double* p, const double* u, double* J, double* dJdu,
                         Scratch& s) const {
  if (native_.jac) return native_.jac(t, y, p, u, J, dJdu);
  run(code_->program.jac, t, y, p, u, s.registers.data(), J, dJdu);
}

void UserModel::outputs(double t, const double* y, const double* p, const double* u, double* out, Scratch& s) const {
  if (native_.outputs) return native_.outputs(t, y, p, u, out);
  run(code_->program.outputs, t, y, p, u, s.registers.data(), out, nullptr);
}

void UserModel::initial_state(const double* p, double* y0, Scratch& s) const {
  if (native_.init) return native_.init(p, y0);
  run(code_->program.init, 0.0, nullptr, p, nullptr, s.registers.data(), y0, nullptr);
}

UserModel build_user_model(UserModelSpec spec, const CompileOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  UserModel model;
  Lowered lowered = lower(spec);
  model.state_names_ = spec.state_names();
  for (const auto& o : spec.outputs) model.output_names_.push_back(o.name);
  model.jac_pattern_ = std::move(lowered.jac_pattern);
  model.input_pattern_ = std::move(lowered.input_pattern);
  auto code = std::make_shared<UserModel::Code>();
  code->program = std::move(lowered.program);
  if (!options.allow_compile) {
    model.note_ = "the user model is interpreted (compilation turned off)";
  } else if (no_compile_requested()) {
    model.note_ = "TWINSIM_NO_COMPILE is set: the user model is interpreted (slower, same results)";
  } else {
    NativeResult native = compile_native(generate_c(code->program), options);
    if (native.library) {
      model.library_ = native.library;
      model.native_ = native.functions;
      model.backend_ = Backend::kNative;
      model.cache_hit_ = native.cache_hit;
      model.library_path_ = native.path;
    } else {
      model.note_ = native.note;
    }
  }
  model.code_ = std::move(code);
  model.spec_ = std::make_shared<const UserModelSpec>(std::move(spec));
  model.build_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return model;
}

std::string generated_c_source(const UserModelSpec& spec) {
  UserModelSpec copy = spec;
  return generate_c(lower(copy).program);
}

}  // namespace twinsim::pkpd::user
