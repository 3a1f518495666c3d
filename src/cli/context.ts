import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { resolveConnection } from './connection.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { ResolvedIo } from './io.js';
import { chooseReporter, type RunReporter } from './progress.js';

/** The options every command takes (before or after the command's name). */
export interface GlobalOptions {
  url?: string;
  token?: string;
  json: boolean;
  progress: boolean;
}

/**
 * What a command works with: the io, the global options, the API client
 * (made on first use, closed by main) and the output helpers. A command's
 * action sets `exitCode`; errors are thrown as CliErrors and reported by main.
 */
export class CliContext {
  exitCode: ExitCode = EXIT.ok;
  private apiClient: ApiClient | undefined;

  constructor(
    readonly io: ResolvedIo,
    private readonly program: Command,
  ) {}

  /** The global options as given on this command line. */
  globals(): GlobalOptions {
    const o = this.program.opts<{ url?: string; token?: string; json?: boolean; progress?: boolean }>();
    return { ...(o.url !== undefined ? { url: o.url } : {}), ...(o.token !== undefined ? { token: o.token } : {}), json: o.json === true, progress: o.progress !== false };
  }

  /** The API client for this invocation (one Idempotency-Key for all its POSTs). */
  async client(): Promise<ApiClient> {
    if (!this.apiClient) {
      const { url, token } = this.globals();
      const connection = await resolveConnection({ ...(url !== undefined ? { url } : {}), ...(token !== undefined ? { token } : {}) }, this.io);
      for (const warning of connection.warnings) this.io.stderr.write(`${warning}\n`);
      this.apiClient = new ApiClient({ baseUrl: connection.baseUrl, tokenSource: connection.tokenSource, sleep: this.io.sleep, ...(connection.token !== undefined ? { token: connection.token } : {}) });
    }
    return this.apiClient;
  }

  /** Print `value` as JSON under --json, else the human text. */
  emit(value: unknown, human: () => string): void {
    if (this.globals().json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else this.io.stdout.write(`${human()}\n`);
  }

  /** A line for people only (nothing under --json, whose stdout stays one JSON document). */
  say(text: string): void {
    if (!this.globals().json) this.io.stdout.write(`${text}\n`);
  }

  /** How to show a run being followed. */
  reporter(): RunReporter {
    const { json, progress } = this.globals();
    return chooseReporter({ json, progress, stdout: this.io.stdout, stderr: this.io.stderr, now: this.io.now });
  }

  /** Close the API client, if one was made. */
  async close(): Promise<void> {
    await this.apiClient?.close();
  }
}
