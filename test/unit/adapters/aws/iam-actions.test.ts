import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionNames, COMMAND_ACTIONS, IAM_ACTIONS, LOCAL_ONLY_IAM_ACTIONS } from '../../../../src/adapters/aws/iam-actions.js';

const ADAPTERS = join(import.meta.dirname, '../../../../src/adapters/aws');

/** The SDK calls a source file makes: `new XxxCommand(` and `waitUntilXxx(` of names it imports from @aws-sdk. */
function sdkCalls(source: string): string[] {
  const imported = new Set<string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/[^']+'/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim();
      if (name && !name.startsWith('type ')) imported.add(name.split(/\s+as\s+/)[0]!.trim());
    }
  }
  const calls = new Set<string>();
  for (const m of source.matchAll(/new\s+([A-Za-z0-9]+Command)\s*\(/g)) if (imported.has(m[1]!)) calls.add(m[1]!);
  for (const m of source.matchAll(/\b(waitUntil[A-Za-z0-9]+)\s*\(/g)) if (imported.has(m[1]!)) calls.add(m[1]!);
  return [...calls].sort();
}

describe('IAM actions of the AWS adapters (src/adapters/aws/iam-actions.ts)', () => {
  it('lists exactly the actions each adapter file calls, no more and no fewer', async () => {
    const files = (await readdir(ADAPTERS)).filter((f) => f.endsWith('.ts'));
    const found: Record<string, string[]> = {};
    const unmapped: string[] = [];
    for (const file of files) {
      const calls = sdkCalls(await readFile(join(ADAPTERS, file), 'utf8'));
      for (const call of calls) if (!COMMAND_ACTIONS[call]) unmapped.push(`${file}: ${call}`);
      const actions = [...new Set(calls.flatMap((c) => (COMMAND_ACTIONS[c] ? [COMMAND_ACTIONS[c]] : [])))].sort();
      if (actions.length > 0) found[file] = actions;
    }
    // A command without a known IAM action needs a person to look it up (TransactWriteItems, for one, has none of its own).
    expect(unmapped, 'SDK commands with no entry in COMMAND_ACTIONS').toEqual([]);
    const declared: Record<string, string[]> = {};
    // Permissions AWS checks on behalf of a call (a KMS grant, passing a role) have no command of their own.
    const called = [...IAM_ACTIONS.filter((s) => s.requiredBy === undefined), ...LOCAL_ONLY_IAM_ACTIONS];
    for (const spec of called) declared[spec.adapter] = [...new Set([...(declared[spec.adapter] ?? []), spec.action])].sort();
    expect(found).toEqual(declared);
  });

  it('ties every permission checked on behalf of a call to an action its adapter does call', () => {
    const dependent = IAM_ACTIONS.filter((s) => s.requiredBy !== undefined);
    expect(dependent.map((s) => s.action)).toEqual(expect.arrayContaining(['kms:CreateGrant', 'kms:DescribeKey', 'iam:PassRole', 'rds:AddTagsToResource']));
    for (const spec of dependent) {
      expect(IAM_ACTIONS.some((s) => s.adapter === spec.adapter && s.action === spec.requiredBy && s.requiredBy === undefined), `${spec.adapter} ${spec.action}`).toBe(true);
    }
  });

  it('names each action once per adapter, in service:Action form, and never a wildcard', () => {
    const names = IAM_ACTIONS.map((s) => s.action);
    // An action two adapters call (lambda:InvokeFunction: the dispatcher and the read transport) has an entry for each, on its own resources.
    const pairs = IAM_ACTIONS.filter((s) => s.requiredBy === undefined).map((s) => `${s.adapter} ${s.action}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const name of [...names, ...LOCAL_ONLY_IAM_ACTIONS.map((s) => s.action)]) expect(name).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    expect(actionNames(IAM_ACTIONS).filter((a) => LOCAL_ONLY_IAM_ACTIONS.some((l) => l.action === a))).toEqual([]);
  });

  it('finds the calls in a source text the way the adapters write them', () => {
    const source = [
      "import { GetChangeCommand, type RRType } from '@aws-sdk/client-route-53';",
      "import { waitUntilTableExists } from '@aws-sdk/client-dynamodb';",
      'await client.send(new GetChangeCommand({ Id }));',
      'await waitUntilTableExists({ client }, { TableName });',
      'new LocalThingCommand();',
    ].join('\n');
    expect(sdkCalls(source)).toEqual(['GetChangeCommand', 'waitUntilTableExists']);
  });
});
