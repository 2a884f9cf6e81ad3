"""The W1 model written out independently of twinsim, for the SciPy peer and
the tight reference: 2-compartment oral PK (DEPOT, CENT, PERI in mg) driving
Friberg myelosuppression (PROL, TRANSIT1..3, CIRC in 10^9/L).

    Cc = CENT / V1
    dDEPOT = -KA DEPOT
    dCENT  =  KA DEPOT - (CL + Q)/V1 CENT + Q/V2 PERI
    dPERI  =  Q/V1 CENT - Q/V2 PERI
    KTR = 4 / MTT,  EDRUG = SLOPE Cc
    dPROL  = KTR PROL (1 - EDRUG) (CIRC0/CIRC)^GAMMA - KTR PROL
    dT1 = KTR (PROL - T1), dT2 = KTR (T1 - T2), dT3 = KTR (T2 - T3)
    dCIRC  = KTR (T3 - CIRC)

Oral doses of 100 mg every 24 h x 21 enter DEPOT (an event: the integration
restarts at every dose). Output on the hourly grid 0..504 h.
"""
import numpy as np

TYPICAL = dict(CL=10.0, V1=50.0, Q=5.0, V2=100.0, KA=1.0)
PD = dict(CIRC0=5.0, MTT=125.0, GAMMA=0.17, SLOPE=0.03)
DOSE_MG = 100.0
DOSE_TIMES = [24.0 * i for i in range(21)]
T_END = 504.0
GRID = np.arange(0.0, T_END + 0.5, 1.0)


def make_rhs(CL, V1, Q, V2, KA, CIRC0=PD["CIRC0"], MTT=PD["MTT"], GAMMA=PD["GAMMA"], SLOPE=PD["SLOPE"]):
    ktr = 4.0 / MTT
    k10, k12, k21 = CL / V1, Q / V1, Q / V2

    def rhs(t, y):
        dep, cen, per, prol, t1, t2, t3, circ = y
        cc = cen / V1
        fb = (CIRC0 / max(circ, 1e-12)) ** GAMMA
        return [
            -KA * dep,
            KA * dep - (k10 + k12) * cen + k21 * per,
            k12 * cen - k21 * per,
            ktr * prol * (1.0 - SLOPE * cc) * fb - ktr * prol,
            ktr * (prol - t1),
            ktr * (t1 - t2),
            ktr * (t2 - t3),
            ktr * (t3 - circ),
        ]

    def jac(t, y):
        dep, cen, per, prol, t1, t2, t3, circ = y
        cc = cen / V1
        c = max(circ, 1e-12)
        fb = (CIRC0 / c) ** GAMMA
        J = np.zeros((8, 8))
        J[0, 0] = -KA
        J[1, 0], J[1, 1], J[1, 2] = KA, -(k10 + k12), k21
        J[2, 1], J[2, 2] = k12, -k21
        J[3, 1] = -ktr * prol * SLOPE / V1 * fb
        J[3, 3] = ktr * (1.0 - SLOPE * cc) * fb - ktr
        J[3, 7] = ktr * prol * (1.0 - SLOPE * cc) * fb * (-GAMMA / c)
        J[4, 3], J[4, 4] = ktr, -ktr
        J[5, 4], J[5, 5] = ktr, -ktr
        J[6, 5], J[6, 6] = ktr, -ktr
        J[7, 6], J[7, 7] = ktr, -ktr
        return J

    return rhs, jac


def simulate(params, method="LSODA", rtol=1e-7, atol=1e-9, use_jac=True):
    """One patient: returns (grid, Cc, ANC, n_rhs_evaluations)."""
    from scipy.integrate import solve_ivp

    rhs, jac = make_rhs(**params)
    y = np.array([0.0, 0.0, 0.0] + [PD["CIRC0"]] * 5)
    cc = np.empty_like(GRID)
    anc = np.empty_like(GRID)
    nfev = 0
    bounds = DOSE_TIMES + [T_END]
    kw = {"jac": jac} if (use_jac and method in ("BDF", "Radau", "LSODA")) else {}
    for i in range(len(DOSE_TIMES)):
        t0, t1 = bounds[i], bounds[i + 1]
        y[0] += DOSE_MG  # the dose enters the depot: Cc and ANC stay continuous
        lo, hi = int(round(t0)), int(round(t1))
        sol = solve_ivp(rhs, (t0, t1), y, method=method, t_eval=GRID[lo:hi + 1], rtol=rtol, atol=atol, **kw)
        if not sol.success:
            raise RuntimeError(sol.message)
        nfev += sol.nfev
        cc[lo:hi + 1] = sol.y[1] / params["V1"]
        anc[lo:hi + 1] = sol.y[7]
        y = sol.y[:, -1].copy()
    return GRID, cc, anc, nfev
