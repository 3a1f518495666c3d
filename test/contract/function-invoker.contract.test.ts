import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { LambdaInvoker } from '../../src/adapters/aws/lambda-invoker.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import { FakeLambda } from '../support/fake-lambda.js';
import { ManualClock } from '../support/manual-clock.js';
import { CONTRACT_ALIAS, CONTRACT_RESPONSE, describeFunctionInvokerContract } from './function-invoker.contract.js';

const REGION = 'eu-west-1';
const REF = { region: REGION, functionName: 'shop-flush-cache' };

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeFunctionInvokerContract('SimFunctions', () => {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock });
  sim.functions.seed(REF, { response: CONTRACT_RESPONSE, qualifiers: [CONTRACT_ALIAS] });
  return {
    functions: sim.functions,
    ref: REF,
    advance: (ms) => clock.advance(ms),
    close: () => {},
    world: {
      effects: () => sim.functions.effects(REF),
      invocations: () => sim.functions.invocations(REF),
      fail: (message) => sim.functions.setFailure(REF, message),
      regionDown: () => sim.cloud.setRegionAvailable(REGION, false),
      regionUp: () => sim.cloud.setRegionAvailable(REGION, true),
    },
  };
});

describeFunctionInvokerContract('LambdaInvoker on a fake Lambda', () => {
  const clock = new ManualClock();
  const fake = new FakeLambda({ region: REGION, now: () => clock.now() }).install();
  fake.addFunction(REF.functionName, { response: CONTRACT_RESPONSE, qualifiers: [CONTRACT_ALIAS] });
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  return {
    functions: new LambdaInvoker(clients),
    ref: REF,
    advance: (ms) => clock.advance(ms),
    close: () => {
      fake.close();
      clients.destroy();
    },
    world: {
      effects: () => fake.effects(REF.functionName),
      invocations: () => fake.invocations(REF.functionName),
      fail: (message) => fake.setFailure(REF.functionName, message),
      regionDown: () => fake.takeDown(),
      regionUp: () => fake.bringUp(),
    },
  };
});
