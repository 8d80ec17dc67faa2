// Exposes libpq, PostgreSQL's C client library, to Swift. Ingest (reading) and Rendering
// (writing) import it through Ingest's PostgresConnection only.
#ifndef SCORECARD_CLIBPQ_SHIM_H
#define SCORECARD_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
