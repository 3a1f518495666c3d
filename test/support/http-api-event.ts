import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A synthetic API Gateway HTTP API (payload 2.0) request, as the Lambda API
 * function receives it. `userArn` is the principal the AWS_IAM authorizer
 * verified (absent: no IAM caller); `headers` are the client's.
 */
export function httpApiEvent(request: { method: string; path: string; body?: unknown; headers?: Record<string, string>; userArn?: string }): APIGatewayProxyEventV2 {
  const { method, path, body, headers = {}, userArn } = request;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.1', userAgent: 'test' },
      requestId: `req-${method}-${path}`,
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(userArn !== undefined ? { authorizer: { iam: { userArn } } } : {}),
    },
    isBase64Encoded: false,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  } as unknown as APIGatewayProxyEventV2;
}
