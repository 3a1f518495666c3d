/** The bearer token the API-throughput benchmark reads /status with (only its hash goes into the server's config). */
export const BENCH_TOKEN = 'bench-viewer-token-0123456789abcdef';
