// Peer of W1: the "plain CVODE loop" of issue 8, outside twinsim. All eight
// states (DEPOT, CENT, PERI, PROL, TRANSIT1..3, CIRC) integrated by CVODE
// (BDF, dense direct solver, difference-quotient Jacobian), re-initialised at
// every dose, stepping to every hourly output time (CV_NORMAL), rtol 1e-7 and
// atol 1e-9 (twinsim's PD tolerances). One CVODE object reused for the whole
// cohort (re-initialised per patient), so no per-patient allocation.
//
// usage: w1_cvode_loop COHORT.csv [MAX_PATIENTS]   (columns id,CL,V1,Q,V2,KA)
// Prints JSON like the other peers.
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Params {
  double CL, V1, Q, V2, KA;
  double CIRC0 = 5.0, MTT = 125.0, GAMMA = 0.17, SLOPE = 0.03;
};

int rhs(sunrealtype, N_Vector yv, N_Vector ydotv, void* user) {
  const auto& p = *static_cast<const Params*>(user);
  const double* y = N_VGetArrayPointer(yv);
  double* d = N_VGetArrayPointer(ydotv);
  const double ktr = 4.0 / p.MTT;
  const double cc = y[1] / p.V1;
  const double fb = std::pow(p.CIRC0 / std::max(y[7], 1e-12), p.GAMMA);
  d[0] = -p.KA * y[0];
  d[1] = p.KA * y[0] - (p.CL + p.Q) / p.V1 * y[1] + p.Q / p.V2 * y[2];
  d[2] = p.Q / p.V1 * y[1] - p.Q / p.V2 * y[2];
  d[3] = ktr * y[3] * (1.0 - p.SLOPE * cc) * fb - ktr * y[3];
  d[4] = ktr * (y[3] - y[4]);
  d[5] = ktr * (y[4] - y[5]);
  d[6] = ktr * (y[5] - y[6]);
  d[7] = ktr * (y[6] - y[7]);
  return 0;
}

std::vector<Params> read_cohort(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::string line;
  std::getline(in, line);  // header id,CL,V1,Q,V2,KA
  std::vector<Params> out;
  while (std::getline(in, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream s(line);
    double id;
    Params p{};
    if (s >> id >> p.CL >> p.V1 >> p.Q >> p.V2 >> p.KA) out.push_back(p);
  }
  return out;
}

struct Solver {
  SUNContext ctx = nullptr;
  N_Vector y = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver LS = nullptr;
  void* mem = nullptr;
  long steps = 0;
  Solver() {
    SUNContext_Create(nullptr, &ctx);
    y = N_VNew_Serial(8, ctx);
    N_VConst(0.0, y);
    A = SUNDenseMatrix(8, 8, ctx);
    LS = SUNLinSol_Dense(y, A, ctx);
    mem = CVodeCreate(CV_BDF, ctx);
    CVodeInit(mem, rhs, 0.0, y);
    CVodeSStolerances(mem, 1e-7, 1e-9);
    CVodeSetLinearSolver(mem, LS, A);
    CVodeSetMaxNumSteps(mem, 100000);
  }
  ~Solver() {
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(y);
    SUNContext_Free(&ctx);
  }
  // Hourly ANC (and Cc) over 0..504 h; returns false on a solver failure.
  bool patient(Params& p, std::vector<double>& cc, std::vector<double>& anc) {
    double* yv = N_VGetArrayPointer(y);
    for (int i = 0; i < 3; ++i) yv[i] = 0.0;
    for (int i = 3; i < 8; ++i) yv[i] = p.CIRC0;
    CVodeSetUserData(mem, &p);
    cc.assign(505, 0.0);
    anc.assign(505, 0.0);
    cc[0] = 0.0;
    anc[0] = p.CIRC0;
    for (int dose = 0; dose < 21; ++dose) {
      const double t0 = 24.0 * dose;
      yv[0] += 100.0;
      CVodeReInit(mem, t0, y);
      const int last = dose == 20 ? 504 : 24 * (dose + 1);
      for (int h = 24 * dose + 1; h <= last; ++h) {
        sunrealtype t;
        if (CVode(mem, h, y, &t, CV_NORMAL) < 0) return false;
        cc[static_cast<std::size_t>(h)] = yv[1] / p.V1;
        anc[static_cast<std::size_t>(h)] = yv[7];
      }
      long n;
      CVodeGetNumSteps(mem, &n);
      steps += n;
    }
    return true;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s COHORT.csv [MAX_PATIENTS]\n", argv[0]);
    return 2;
  }
  auto cohort = read_cohort(argv[1]);
  if (argc > 2) cohort.resize(std::min<std::size_t>(cohort.size(), std::strtoul(argv[2], nullptr, 10)));
  Solver s;
  std::vector<double> cc, anc;
  Params typ{10, 50, 5, 100, 1};
  if (!s.patient(typ, cc, anc)) return 1;
  const double typical_nadir = *std::min_element(anc.begin(), anc.end());
  const long typical_steps = s.steps;
  double sum = 0;
  const auto w0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  for (auto& p : cohort) {
    if (!s.patient(p, cc, anc)) return 1;
    sum += *std::min_element(anc.begin(), anc.end());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  const double n = static_cast<double>(cohort.size());
  std::printf("{\"peer\": \"cvode-plain-loop\", \"patients\": %zu, \"seconds\": %.6f, \"cpu_seconds\": %.6f, "
              "\"ms_per_patient\": %.6f, \"cpu_ms_per_patient\": %.6f, \"typical_nadir\": %.12g, "
              "\"typical_steps\": %ld, \"mean_nadir\": %.12g}\n",
              cohort.size(), wall, cpu, 1e3 * wall / n, 1e3 * cpu / n, typical_nadir, typical_steps, sum / n);
  return 0;
}
