#!/usr/bin/env Rscript
# deSolve peer of W1: lsoda on the model compiled in C (w1_desolve.c), doses as
# events into DEPOT, hourly output 0..504 h, rtol 1e-7 / atol 1e-9 (twinsim's
# PD tolerances). Every patient of the cohort CSV (columns CL,V1,Q,V2,KA).
# usage: Rscript w1_desolve.R COHORT.csv SHLIB.so [MAX_PATIENTS] [RTOL ATOL]
suppressPackageStartupMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
cohort <- read.csv(args[1])
dll <- args[2]
if (length(args) >= 3 && args[3] != "all") cohort <- head(cohort, as.integer(args[3]))
rtol <- if (length(args) >= 5) as.numeric(args[4]) else 1e-7
atol <- if (length(args) >= 5) as.numeric(args[5]) else 1e-9
dyn.load(dll)
name <- sub("\\.[^.]*$", "", basename(dll))

pd <- c(CIRC0 = 5, MTT = 125, GAMMA = 0.17, SLOPE = 0.03)
times <- seq(0, 504, by = 1)
y0 <- c(DEPOT = 0, CENT = 0, PERI = 0, PROL = 5, T1 = 5, T2 = 5, T3 = 5, CIRC = 5)
events <- data.frame(var = "DEPOT", time = 24 * (0:20), value = 100, method = "add")

one <- function(p, rt = rtol, at = atol) {
  out <- ode(y = y0, times = times, func = "w1_derivs", initfunc = "w1_init", dllname = name,
             parms = c(p, pd), events = list(data = events), method = "lsoda", rtol = rt, atol = at)
  list(cc = out[, "CENT"] / p[["V1"]], anc = out[, "CIRC"])
}

typ <- one(c(CL = 10, V1 = 50, Q = 5, V2 = 100, KA = 1))
tight <- one(c(CL = 10, V1 = 50, Q = 5, V2 = 100, KA = 1), 1e-10, 1e-12)
nadirs <- numeric(nrow(cohort))
t0 <- proc.time()
for (i in seq_len(nrow(cohort))) {
  r <- one(c(CL = cohort$CL[i], V1 = cohort$V1[i], Q = cohort$Q[i], V2 = cohort$V2[i], KA = cohort$KA[i]))
  nadirs[i] <- min(r$anc)
}
el <- proc.time() - t0
cpu <- el[["user.self"]] + el[["sys.self"]]
n <- nrow(cohort)
cat(sprintf(paste0('{"peer": "deSolve-lsoda-C", "patients": %d, "seconds": %.6f, "cpu_seconds": %.6f, ',
                   '"ms_per_patient": %.6f, "cpu_ms_per_patient": %.6f, "typical_nadir": %.12g, ',
                   '"tight_nadir": %.12g, "mean_nadir": %.12g}\n'),
            n, el[["elapsed"]], cpu, 1e3 * el[["elapsed"]] / n, 1e3 * cpu / n, min(typ$anc),
            min(tight$anc), mean(nadirs)))
