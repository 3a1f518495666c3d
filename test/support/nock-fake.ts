import nock from 'nock';

/** What a fake answers a request with: status, body, headers. */
export type FakeAnswer = [number, string, Record<string, string>];

/**
 * The plumbing every nock fake of one AWS service endpoint shares: it answers
 * on its endpoint once installed, until closed, and refuses every connection
 * while taken down (a region that does not answer). A subclass says which
 * requests it takes and how it answers them.
 */
export abstract class NockFake {
  /** While true, `answer` should fail the request as a refused connection. */
  protected down = false;
  private interceptor: nock.Interceptor | undefined;

  /** The endpoint the SDK calls. */
  abstract get endpoint(): string;

  /** The requests this fake takes, on its endpoint's (persistent) scope. */
  protected abstract intercept(scope: nock.Scope): nock.Interceptor;

  /** The answer to one request. */
  protected abstract answer(uri: string, headers: Record<string, string | string[] | undefined>, body: nock.Body): FakeAnswer;

  /** Refuse every connection (the region does not answer) until `bringUp`. */
  takeDown(): void {
    this.down = true;
  }

  bringUp(): void {
    this.down = false;
  }

  /** Start answering requests to the endpoint. */
  install(): this {
    const fake = this;
    const interceptor = this.intercept(nock(this.endpoint).persist());
    interceptor.reply(async function (this: nock.ReplyFnContext, uri, body) {
      return fake.answer(uri, this.req.headers, body);
    });
    this.interceptor = interceptor;
    return this;
  }

  /** Stop answering. */
  close(): void {
    if (this.interceptor) nock.removeInterceptor(this.interceptor);
    this.interceptor = undefined;
  }
}
