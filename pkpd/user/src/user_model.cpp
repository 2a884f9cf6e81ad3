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
  std::vector<std::pair<int, int>> jac_pattern, input_pattern, output_pattern, output_input_pattern;
};

// The structurally non-zero derivatives of f (one node per row) with respect
// to every state (array 0, column-major rows x n_states) and every input
// (array 1, rows x n_inputs), as the results of one function.
struct Derivatives {
  std::vector<NodeId> nodes;
  std::vector<std::uint8_t> arrays;
  std::vector<std::int32_t> slots;
  std::vector<std::pair<int, int>> pattern[2];
};

Derivatives differentiate(ExprPool& pool, const std::vector<NodeId>& f, int n_states, int n_inputs) {
  Derivatives out;
  const int rows = static_cast<int>(f.size());
  const std::pair<Wrt, int> wrts[2] = {{Wrt::kState, n_states}, {Wrt::kInput, n_inputs}};
  for (std::uint8_t a = 0; a < 2; ++a) {
    for (int j = 0; j < wrts[a].second; ++j) {
      std::unordered_map<NodeId, NodeId> memo;
      for (int i = 0; i < rows; ++i) {
        const NodeId d = pool.derivative(f[static_cast<std::size_t>(i)], wrts[a].first, j, memo);
        if (pool.is_constant(d, 0.0)) continue;
        out.pattern[a].push_back({i, j});
        out.nodes.push_back(d);
        out.arrays.push_back(a);
        out.slots.push_back(i + j * rows);
      }
    }
  }
  return out;
}

// Derivatives go into the spec's own pool, so rhs and Jacobian share nodes.
Lowered lower(UserModelSpec& spec) {
  Lowered out;
  ExprPool& pool = spec.pool;
  const int n = static_cast<int>(spec.states.size());
  const int m = static_cast<int>(spec.inputs.size());
  Derivatives jac = differentiate(pool, spec.rhs, n, m);
  out.jac_pattern = std::move(jac.pattern[0]);
  out.input_pattern = std::move(jac.pattern[1]);
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
  prog.jac = lower_function(pool, jac.nodes, jac.arrays, jac.slots, jac_clear);
  std::vector<NodeId> outs, inits;
  for (const auto& o : spec.outputs) outs.push_back(o.value);
  // After the Jacobian, so its nodes (and the code generated for it) are as before.
  Derivatives ojac = differentiate(pool, outs, n, m);
  out.output_pattern = std::move(ojac.pattern[0]);
  out.output_input_pattern = std::move(ojac.pattern[1]);
  const std::size_t no = outs.size();
  const std::size_t ojac_clear[2] = {no * static_cast<std::size_t>(n), no * static_cast<std::size_t>(m)};
  prog.output_jac = lower_function(pool, ojac.nodes, ojac.arrays, ojac.slots, ojac_clear);
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

void UserModel::output_jacobian(double t, const double* y, const double* p, const double* u, double* dOdy,
                                double* dOdu, Scratch& s) const {
  if (native_.output_jac) return native_.output_jac(t, y, p, u, dOdy, dOdu);
  run(code_->program.output_jac, t, y, p, u, s.registers.data(), dOdy, dOdu);
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
  model.output_pattern_ = std::move(lowered.output_pattern);
  model.output_input_pattern_ = std::move(lowered.output_input_pattern);
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
