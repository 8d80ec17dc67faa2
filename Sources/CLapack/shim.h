// Exposes OpenBLAS's CBLAS and LAPACKE to Swift. Only LinearAlgebra imports this module.
#ifndef SCORECARD_CLAPACK_SHIM_H
#define SCORECARD_CLAPACK_SHIM_H
#include <cblas.h>
#include <lapacke.h>

/// openblas_set_num_threads / openblas_get_num_threads are declared in cblas.h by OpenBLAS.
#endif
