/**
 * PostgreSQL's `shared_buffers` inside PGlite, in MB: the default of PGLITE_SHARED_BUFFERS_MB
 * (src/config.ts) and of every PGlite the tests and CLIs open (src/db/client.ts).
 *
 * PGlite starts PostgreSQL with its own default, 128 MB, and initialising that much shared memory
 * in WebAssembly was ~450 ms of every embedded start (~80 ms at 16 MB; PGlite alone, process start
 * to ready, ~1.0 s then and ~0.6 s now on a 2-core machine). PGlite reads its data files through
 * Node's file system, so a page not in the buffers comes from the operating system's cache: a small
 * pool costs a system call more, and in general no read from disk. A site that keeps a large
 * archive on the embedded database can raise it, within PGLITE_SHARED_BUFFERS_MB_RANGE.
 */
export const PGLITE_SHARED_BUFFERS_MB_DEFAULT = 16
/** What PGLITE_SHARED_BUFFERS_MB accepts: PostgreSQL needs 2 buffers per allowed connection (100). */
export const PGLITE_SHARED_BUFFERS_MB_RANGE = { minimum: 2, maximum: 1024 } as const
