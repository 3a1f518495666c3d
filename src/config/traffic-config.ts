import * as Type from 'typebox';
import type { Static } from 'typebox';

const ClusterEndpointSchema = Type.Object(
  {
    region: Type.String({ pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$', 'x-message': 'must be an AWS region name such as us-west-2' }),
    url: Type.String({
      pattern: '^https?://',
      'x-message': 'must be the cluster endpoint URL, such as https://aaaa.route53-recovery-cluster.us-west-2.amazonaws.com/v1',
    }),
  },
  { additionalProperties: false },
);

const RoutingControlSchema = Type.Object(
  {
    /**
     * The cluster's regional endpoints (DescribeCluster's ClusterEndpoints),
     * copied into the config while that API answers: it lives in us-west-2,
     * so the failover path never looks them up.
     */
    clusterEndpoints: Type.Array(ClusterEndpointSchema, {
      minItems: 1,
      maxItems: 5,
      'x-message': "must list the cluster's regional endpoints (1 to 5 {region, url})",
    }),
    /** Each region's routing control ARN, by region name. */
    controls: Type.Record(
      Type.String({ pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$' }),
      Type.String({
        pattern: '^arn:aws[a-z-]*:route53-recovery-control::[0-9]{12}:controlpanel/[a-z0-9]+/routingcontrol/[a-z0-9]+$',
        'x-message': 'must be a routing control ARN (arn:aws:route53-recovery-control::<account>:controlpanel/<id>/routingcontrol/<id>)',
      }),
      { 'x-message': 'must map region names to routing control ARNs' },
    ),
  },
  { additionalProperties: false },
);

/** The `traffic` section of an application: how a run moves its traffic. */
export const TrafficSchema = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('records'), Type.Literal('health-checks'), Type.Literal('routing-control')], {
        default: 'records',
        description:
          "records: rewrite the records (Route 53's control plane, us-east-1 only). health-checks: vote through CloudWatch in the controller's own region; provisioned health checks move traffic. routing-control: Route 53 ARC routing controls through the cluster's data plane.",
        'x-message': 'must be records, health-checks or routing-control',
      }),
    ),
    /**
     * The zone's authoritative name servers a switch is verified against
     * (host[:port]). Default: those `failover provision` stored from the
     * zone's delegation set.
     */
    nameServers: Type.Optional(
      Type.Array(
        Type.String({
          minLength: 1,
          maxLength: 255,
          pattern:
            '^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?$',
          'x-message': 'must be a name server as host[:port], such as ns-123.awsdns-45.com or 127.0.0.1:5353',
        }),
        { minItems: 1, maxItems: 8 },
      ),
    ),
    /** health-checks: how many of a region's voter stacks must vote to take it out of DNS. Default: all of them. */
    votesToEvacuate: Type.Optional(Type.Integer({ minimum: 1, maximum: 9, 'x-message': 'must be a whole number of votes from 1 to 9' })),
    routingControl: Type.Optional(RoutingControlSchema),
  },
  { additionalProperties: false },
);

/** The traffic section as written. */
export type TrafficInput = Static<typeof TrafficSchema>;

/** The modes a switch can take. `health-checks` and `routing-control` work in Route 53's data plane alone. */
export type TrafficMode = 'records' | 'health-checks' | 'routing-control';

/** An application's traffic switch, defaults filled in. */
export interface TrafficConfig {
  mode: TrafficMode;
  nameServers?: string[];
  votesToEvacuate?: number;
  routingControl?: { clusterEndpoints: { region: string; url: string }[]; controls: Record<string, string> };
}

/** Fill in the defaults: records, as before this section existed. */
export function normalizeTraffic(input: TrafficInput | undefined): TrafficConfig {
  return {
    mode: input?.mode ?? 'records',
    ...(input?.nameServers ? { nameServers: [...input.nameServers] } : {}),
    ...(input?.votesToEvacuate !== undefined ? { votesToEvacuate: input.votesToEvacuate } : {}),
    ...(input?.routingControl
      ? {
          routingControl: {
            clusterEndpoints: input.routingControl.clusterEndpoints.map((e) => ({ ...e })),
            controls: { ...input.routingControl.controls },
          },
        }
      : {}),
  };
}

/** Whether a mode moves traffic without Route 53's control plane. */
export function dataPlaneMode(mode: TrafficMode): boolean {
  return mode !== 'records';
}
