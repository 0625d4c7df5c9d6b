// The tests of examples/multi-region and of the key rotation to multi-Region keys, applied to moto_server (registered inside terraform-examples.test.ts, which runs the lifecycles next to the other examples').
import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { expectExit, type TfResult } from './harness';
import {
  PRIMARY,
  SECONDARY,
  type KeyRotation,
  type MultiRegionLifecycle,
  type RegionRun,
} from './multi-region-lifecycle';

/** The parts of `terraform show -json` read here. */
interface Shown {
  values: {
    root_module: {
      child_modules?: Array<{
        address: string;
        resources: Array<{ address: string; type: string; values: Record<string, unknown> }>;
      }>;
    };
  };
}

/**
 * Registers the tests in the calling describe.
 * @param lifecycles the multi-Region example's and the key rotation's lifecycles (set in beforeAll)
 */
export function multiRegionTests(
  lifecycles: () => { multiRegion: Promise<MultiRegionLifecycle>; rotation: Promise<KeyRotation> },
): void {
  /** Both Regions' token function runs, or the failure. */
  async function runsOf(): Promise<{
    life: MultiRegionLifecycle;
    runs: Record<string, RegionRun>;
  }> {
    const life = await lifecycles().multiRegion;
    expectExit(life.apply, 'apply multi-region');
    if (life.runs instanceof Error) throw life.runs;
    return { life, runs: life.runs as Record<string, RegionRun> };
  }

  // Issue 27, item 4. moto's Regions are separate backends: nothing replicates between them, the
  // worst case of replication lag. moto has no global-table replicas either, so the example runs
  // with table_replication = "none" (a plain table of the same name per Region) and the client is
  // copied from the control Region's table to the secondary's, as replication would.
  test('examples/multi-region: a token issued by the secondary Region verifies with the primary Region public key, and both JWKS are the same', async () => {
    // Act
    const { life, runs } = await runsOf();
    const primary = runs[PRIMARY] as RegionRun;
    const secondary = runs[SECONDARY] as RegionRun;

    // Assert: the secondary signs with its replica (its own Region's key ARN, the same mrk- key id).
    const primaryKey = primary.environment.SIGNING_KEY_ID as string;
    const secondaryKey = secondary.environment.SIGNING_KEY_ID as string;
    expect(secondaryKey).toBe(primaryKey.replace(`:${PRIMARY}:`, `:${SECONDARY}:`));
    expect(secondaryKey).toMatch(new RegExp(`^arn:aws:kms:${SECONDARY}:\\d{12}:key/mrk-`));
    // One issuer and one table name in both Regions.
    expect(secondary.environment.ISSUER).toBe('https://auth.example.com');
    expect(primary.environment.ISSUER).toBe(secondary.environment.ISSUER);
    expect(primary.environment.CLIENTS_TABLE).toBe(secondary.environment.CLIENTS_TABLE);

    expect([secondary.token.statusCode, secondary.token.body]).toEqual([200, expect.any(String)]);
    const token = (JSON.parse(secondary.token.body) as { access_token: string }).access_token;
    const publicKey = createPublicKey({
      key: Buffer.from(life.primaryPublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    const verified = await jwtVerify(token, publicKey, {
      issuer: 'https://auth.example.com',
      audience: 'demo-api',
    });
    expect(verified.payload.scope).toBe('demo:read');

    // One JWKS, one kid, in both Regions; the token names it.
    expect([primary.jwks.statusCode, secondary.jwks.statusCode]).toEqual([200, 200]);
    const jwks = JSON.parse(secondary.jwks.body) as { keys: Array<{ kid: string }> };
    expect(JSON.parse(primary.jwks.body)).toEqual(jwks);
    expect(jwks.keys).toHaveLength(1);
    expect(decodeProtectedHeader(token).kid).toBe(jwks.keys[0]?.kid);
  });

  test('examples/multi-region: a client created by the clients CLI in the control Region and replicated gets tokens from both Regions', async () => {
    // Act
    const { runs } = await runsOf();

    // Assert
    for (const region of [PRIMARY, SECONDARY]) {
      const run = runs[region] as RegionRun;
      expect([region, run.token.statusCode]).toEqual([region, 200]);
      expect(JSON.parse(run.token.body)).toMatchObject({
        token_type: 'Bearer',
        scope: 'demo:read',
      });
    }
  });

  // moto stores Route 53 health checks but never probes them, so which Region DNS answers with is
  // not shown here: test/terraform/regional-domain.tftest.hcl covers the wiring, docs/multi-region.md
  // the behaviour. This reads back what moto stored.
  test('examples/multi-region: each Region has the shared domain, a latency record and a health check on its own execute-api host (stored by moto, never probed)', async () => {
    // Act
    const life = await lifecycles().multiRegion;

    // Assert
    expectExit(life.apply, 'apply multi-region');
    const shown = JSON.parse(
      expectExit(life.state as TfResult, 'show multi-region').stdout,
    ) as Shown;
    const outputs = life.outputs?.regions?.value as Record<string, { rest_api_id: string }>;
    for (const [module, region] of [
      ['module.domain_primary', PRIMARY],
      ['module.domain_secondary', SECONDARY],
    ] as const) {
      const resources = shown.values.root_module.child_modules?.find(
        (m) => m.address === module,
      )?.resources;
      const of = (type: string): Record<string, unknown> | undefined =>
        resources?.find((r) => r.type === type)?.values;
      const check = of('aws_route53_health_check');
      const record = of('aws_route53_record');
      expect([region, check?.type, check?.fqdn, check?.resource_path]).toEqual([
        region,
        'HTTPS',
        `${outputs[region]?.rest_api_id}.execute-api.${region}.amazonaws.com`,
        '/v1/.well-known/jwks.json',
      ]);
      expect([region, record?.name, record?.set_identifier, record?.health_check_id]).toEqual([
        region,
        'auth.example.com',
        region,
        check?.id,
      ]);
      expect(record?.latency_routing_policy).toEqual([{ region }]);
      expect(of('aws_api_gateway_domain_name')).toMatchObject({
        domain_name: 'auth.example.com',
        endpoint_configuration: [expect.objectContaining({ types: ['REGIONAL'] })],
      });
    }
  });

  test('examples/multi-region: apply, then plan reports no changes, then destroy', async () => {
    // Act
    const { apply, plan, destroy } = await lifecycles().multiRegion;

    // Assert
    expectExit(apply, 'apply multi-region');
    expectExit(plan as TfResult, 'plan -detailed-exitcode multi-region after apply');
    expect(plan?.stdout).toContain('No changes.');
    expectExit(destroy, 'destroy multi-region');
  });

  // docs/multi-region.md, "Moving a single-Region deployment to a multi-Region key".
  test('key rotation to a multi-Region key: the old key is never replaced, both are published during the transition, the replica signs with the same key under its own policy from creation to removal', async () => {
    // Act
    const { steps, replicaPolicy, primaryPolicy, keyTypes, readError, plan, removal, destroy } =
      await lifecycles().rotation;

    // Assert: each step applied.
    for (const [i, step] of steps.entries())
      expectExit(step.apply, `apply key rotation step ${i + 1}`);
    expect(steps).toHaveLength(3);
    const arns = steps.map((s) => s.outputs.key_arns?.value as Record<string, string>);
    const pems = steps.map((s) => s.outputs.public_keys_pem?.value as Record<string, string>);
    // Step 2 adds the multi-Region key and keeps the old one as it was (same ARN, not replaced).
    expect(steps[1]?.apply.stdout).toMatch(
      /Apply complete! Resources: \d+ added, \d+ changed, 0 destroyed\./,
    );
    expect(arns[1]?.['2024-01']).toBe(arns[0]?.['2024-01']);
    expect(arns[1]?.['mr-2025']).toMatch(/:key\/mrk-/);
    expect(Object.keys(pems[1] ?? {}).sort()).toEqual(['2024-01', 'mr-2025']);
    expect(pems[1]?.['2024-01']).toBe(pems[0]?.['2024-01']);
    // Step 3 removes the old key; the new one is unchanged and replicated with the same public key.
    expect(Object.keys(arns[2] ?? {})).toEqual(['mr-2025']);
    expect(arns[2]?.['mr-2025']).toBe(arns[1]?.['mr-2025']);
    const replicaArn = (steps[2]?.outputs.replica_key_arns?.value as Record<string, string>)[
      'mr-2025'
    ];
    expect(replicaArn).toBe(arns[2]?.['mr-2025']?.replace(`:${PRIMARY}:`, `:${SECONDARY}:`));
    expect(
      (steps[2]?.outputs.replica_public_keys_pem?.value as Record<string, string>)['mr-2025'],
    ).toBe(pems[2]?.['mr-2025']);
    if (readError) throw readError;
    expect(keyTypes).toEqual({ primary: 'PRIMARY', replica: 'REPLICA' });

    // The replica's policy right after creation, as ReplicateKey's Policy set it (no default key
    // policy in between): only the secondary's token role signs.
    const roles = steps[2]?.outputs.role_arns?.value as { primary: string; secondary: string };
    type Statement = { Sid: string; Principal: { AWS?: string | string[] }; Condition?: object };
    const statementsOf = (policy: string | undefined): Statement[] =>
      (JSON.parse(policy as string) as { Statement: Statement[] }).Statement;
    const hardened = [
      'AllowKeyAdministratorsToManageKeys',
      'AllowTokenFunctionToSign',
      'AllowTokenFunctionToReadPublicKey',
      'DenySigningByAnyoneElse',
      'DenyGrantCreation',
      'DenyKeyManagementByOthers',
    ];
    const statements = statementsOf(replicaPolicy);
    expect(statements.map((s) => s.Sid)).toEqual(hardened);
    const sign = statements.find((s) => s.Sid === 'AllowTokenFunctionToSign');
    expect([sign?.Principal.AWS].flat()).toEqual([roles.secondary]);
    expect(statements.find((s) => s.Sid === 'DenySigningByAnyoneElse')?.Condition).toEqual({
      ArnNotEquals: { 'aws:PrincipalArn': roles.secondary },
    });
    expect(replicaPolicy).not.toContain(roles.primary);
    // The primary lets its administrators replicate it into the secondary's Region only.
    expect(
      statementsOf(primaryPolicy).find((s) => s.Sid === 'AllowKeyAdministratorsToReplicateKeys')
        ?.Condition,
    ).toEqual({ StringEquals: { 'kms:ReplicaRegion': SECONDARY } });

    expectExit(plan as TfResult, 'plan -detailed-exitcode key rotation after step 3');
    expect(plan?.stdout).toContain('No changes.');

    // Removing the secondary schedules the replica's deletion under the same hardened policy: no
    // default key policy (root kms:*) is put back on the way out.
    expectExit(removal?.apply as TfResult, 'apply key rotation step 2 (secondary removed)');
    expect(removal?.keyState).toBe('PendingDeletion');
    expect(statementsOf(removal?.replicaPolicy).map((s) => s.Sid)).toEqual(hardened);
    expect(removal?.replicaPolicy).toBe(replicaPolicy);
    expectExit(destroy, 'destroy key rotation');
  });
}
