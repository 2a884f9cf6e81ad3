/* deSolve peer of W1: the model compiled in C (R CMD SHLIB), the way deSolve
 * users write fast models. States: DEPOT, CENT, PERI (mg), PROL, TRANSIT1..3,
 * CIRC (10^9/L). Parameters (in this order): CL, V1, Q, V2, KA, CIRC0, MTT,
 * GAMMA, SLOPE. Doses are deSolve events (added to DEPOT). */
#include <R.h>
#include <Rmath.h>
#include <math.h>

static double parms[9];
#define CL parms[0]
#define V1 parms[1]
#define Q parms[2]
#define V2 parms[3]
#define KA parms[4]
#define CIRC0 parms[5]
#define MTT parms[6]
#define GAMMA parms[7]
#define SLOPE parms[8]

void w1_init(void (*odeparms)(int*, double*)) {
  int n = 9;
  odeparms(&n, parms);
}

void w1_derivs(int* neq, double* t, double* y, double* ydot, double* yout, int* ip) {
  (void)neq; (void)t; (void)yout; (void)ip;
  const double ktr = 4.0 / MTT;
  const double cc = y[1] / V1;
  const double circ = y[7] > 1e-12 ? y[7] : 1e-12;
  const double fb = pow(CIRC0 / circ, GAMMA);
  ydot[0] = -KA * y[0];
  ydot[1] = KA * y[0] - (CL + Q) / V1 * y[1] + Q / V2 * y[2];
  ydot[2] = Q / V1 * y[1] - Q / V2 * y[2];
  ydot[3] = ktr * y[3] * (1.0 - SLOPE * cc) * fb - ktr * y[3];
  ydot[4] = ktr * (y[3] - y[4]);
  ydot[5] = ktr * (y[4] - y[5]);
  ydot[6] = ktr * (y[5] - y[6]);
  ydot[7] = ktr * (y[6] - y[7]);
}
