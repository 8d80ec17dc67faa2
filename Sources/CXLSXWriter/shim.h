// Exposes libxlsxwriter (Debian libxlsxwriter-dev) to Swift: Rendering's XLSXWriter writes
// Excel workbooks with it.
#ifndef SCORECARD_CXLSXWRITER_SHIM_H
#define SCORECARD_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
