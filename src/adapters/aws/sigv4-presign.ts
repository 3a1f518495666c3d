import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

/** What a presigned GET needs. */
export interface PresignRequest {
  /** The host the URL is for, e.g. `rds.cn-north-1.amazonaws.com.cn`: part of the signature. */
  host: string;
  /** The region and service the signature is scoped to. */
  region: string;
  service: string;
  /** The request's own query parameters (Action, Version, …). */
  query: Record<string, string>;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The SHA-256 the client signs with (`client.config.sha256`). */
  sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256'];
  /** Signing time, ms since the epoch (the Clock port's now). */
  now: number;
  expiresInSeconds: number;
}

/**
 * A Signature Version 4 presigned GET URL ("Authenticating Requests: Using
 * Query Parameters", https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
 * signed by the SDK's own signer (@smithy/signature-v4) for a host the
 * caller names: the SDK's cross-region presigning builds the host for the
 * `aws` partition only (see rds-presign.ts), so the host is ours to give.
 */
export async function presignGetUrl(request: PresignRequest): Promise<string> {
  const signer = new SignatureV4({ credentials: request.credentials, region: request.region, service: request.service, sha256: request.sha256 });
  const unsigned = new HttpRequest({ protocol: 'https:', hostname: request.host, method: 'GET', path: '/', headers: { host: request.host }, query: request.query });
  const signed = await signer.presign(unsigned, { signingDate: new Date(request.now), expiresIn: request.expiresInSeconds });
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  return `https://${request.host}/?${query}`;
}
