import { describe, expect, it } from 'vitest';
import type { AuthoritativeDns } from '../../../src/ports/traffic-switch.js';
import { askNameServers, majorityRegion } from '../../../src/traffic/answer-check.js';
import { trafficConfig } from '../../support/traffic-config.js';

/** Name servers that answer from a script: each server's answers in turn (the last one repeats). */
function scripted(answers: Record<string, string[][]>): AuthoritativeDns & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async query(server) {
      asked.push(server);
      const list = answers[server]!;
      const values = list.length > 1 ? list.shift()! : list[0]!;
      return values[0] === 'timeout' ? { server, values: [], error: 'no answer within 2000 ms' } : { server, values };
    },
  };
}

const use1 = 'shop-us-east-1.example.com.';
const euw1 = 'shop-eu-west-1.example.com.';

describe('what the authoritative name servers say', () => {
  it('failover records: one query per server, a strict majority decides; a server that does not answer counts against', async () => {
    const app = trafficConfig('health-checks').applications[0]!;
    const dns = scripted({ ns1: [[euw1]], ns2: [[euw1]], ns3: [['timeout']] });
    const answers = await askNameServers(dns, ['ns1', 'ns2', 'ns3'], app);
    expect(dns.asked).toEqual(['ns1', 'ns2', 'ns3']);
    expect(answers.map((a) => a.region ?? a.error)).toEqual(['eu-west-1', 'eu-west-1', 'no answer within 2000 ms']);
    expect(majorityRegion(answers)).toBe('eu-west-1');
    expect(majorityRegion(answers.slice(1))).toBeUndefined();
  });

  it('weighted records: a server counts only when three answers agree (Route 53 picks among healthy records at random)', async () => {
    const app = trafficConfig('health-checks', { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }).applications[0]!;
    const dns = scripted({ ns1: [[euw1], [euw1], [use1]], ns2: [[euw1]] });
    const answers = await askNameServers(dns, ['ns1', 'ns2'], app);
    expect(dns.asked.filter((s) => s === 'ns1')).toHaveLength(3);
    expect(answers.map((a) => a.region)).toEqual([undefined, 'eu-west-1']);
    expect(majorityRegion(answers)).toBeUndefined();
  });

  it('an answer naming no configured target names no region', async () => {
    const app = trafficConfig('health-checks').applications[0]!;
    const answers = await askNameServers(scripted({ ns1: [['elsewhere.example.net.']] }), ['ns1'], app);
    expect(answers[0]).toEqual({ server: 'ns1', values: ['elsewhere.example.net.'] });
  });
});
