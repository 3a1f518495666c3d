import { main } from '../../src/cli/main.js';

/**
 * Run the CLI in-process in `cwd`, collecting its exit code and output; the
 * API URL points at a port nothing listens on (for commands that need no API).
 */
export async function cliInProcess(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: { FAILOVER_URL: 'http://127.0.0.1:9' },
    cwd,
    sleep: async () => undefined,
  });
  return { code, stdout, stderr };
}
