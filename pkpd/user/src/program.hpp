// The five functions of a user model as flat instruction lists over a register
// file (one register per pool node, constants preloaded). The interpreter runs
// them; the C generator prints them one instruction per line, so both compute
// the same operations in the same order. Internal to pkpd/user.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinsim/pkpd/user/expr.hpp"

namespace twinsim::pkpd::user {

struct Instr {
  Op op;                  // leaves load t, p[index], y[index], u[index]; others compute
  std::int32_t dst = 0;   // register
  std::int32_t a = 0, b = 0, c = 0;
  std::int32_t index = 0; // leaf index; kPowi exponent
};

// Writes register `reg` to element `slot` of output array `array` (0 or 1).
struct Store {
  std::int32_t slot = 0;
  std::int32_t reg = 0;
  std::uint8_t array = 0;
};

struct Function {
  std::vector<Instr> code;
  std::vector<Store> stores;
  std::size_t clear[2] = {0, 0};  // elements of each output array set to 0 first
};

struct Program {
  int n_states = 0, n_params = 0, n_inputs = 0, n_outputs = 0;
  Function rhs, jac, outputs, init, output_jac;
  std::vector<double> registers;  // initial register file: constants in place, 0 elsewhere
};

// Builds a function computing `results[k]` into slot k of array arrays[k];
// constant results are stored from their preloaded registers.
Function lower_function(const ExprPool& pool, const std::vector<NodeId>& results,
                        const std::vector<std::uint8_t>& arrays, const std::vector<std::int32_t>& slots,
                        const std::size_t clear[2]);

// Interpreter: r is a copy of Program::registers (per thread). No allocation.
void run(const Function& f, double t, const double* y, const double* p, const double* u, double* r, double* out0,
         double* out1);

// C source of the five functions (without the key line); see codegen_c.cpp.
std::string generate_c(const Program& program);

}  // namespace twinsim::pkpd::user
