import type { ResourceRecordSet, ResourceRecordSetFailover, ResourceRecordSetRegion, RRType } from '@aws-sdk/client-route-53';
import type { DnsRecordSet } from '../../ports/dns-provider.js';
import { normaliseRecordName } from './route53-names.js';

/**
 * Routing settings Route 53 has and the DnsProvider port does not model:
 * latency (Region), geolocation, multivalue answer, IP-based (CIDR),
 * geoproximity and traffic-policy records. They are kept so that a record
 * read from Route 53 can be handed back in a DELETE and still match exactly.
 */
export interface Route53Routing {
  region?: string;
  geoLocation?: { continentCode?: string; countryCode?: string; subdivisionCode?: string };
  multiValueAnswer?: boolean;
  cidrRoutingConfig?: { collectionId: string; locationName: string };
  geoProximityLocation?: {
    awsRegion?: string;
    localZoneGroup?: string;
    coordinates?: { latitude: string; longitude: string };
    bias?: number;
  };
  trafficPolicyInstanceId?: string;
}

/** A record set as the Route 53 adapter returns it: the port's shape plus the routing the port lacks. */
export interface Route53RecordSet extends DnsRecordSet {
  /** Present only for routing policies the port does not model; such records always carry a setIdentifier too. */
  routing?: Route53Routing;
}

/** Drop keys whose value is undefined, so results compare equal to hand-written records. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function routingFrom(rr: ResourceRecordSet): Route53Routing | undefined {
  const geo = rr.GeoLocation;
  const cidr = rr.CidrRoutingConfig;
  const prox = rr.GeoProximityLocation;
  const routing = defined<Route53Routing>({
    region: rr.Region,
    geoLocation: geo ? defined({ continentCode: geo.ContinentCode, countryCode: geo.CountryCode, subdivisionCode: geo.SubdivisionCode }) : undefined,
    multiValueAnswer: rr.MultiValueAnswer,
    cidrRoutingConfig: cidr ? { collectionId: cidr.CollectionId ?? '', locationName: cidr.LocationName ?? '' } : undefined,
    geoProximityLocation: prox
      ? defined({
          awsRegion: prox.AWSRegion,
          localZoneGroup: prox.LocalZoneGroup,
          coordinates: prox.Coordinates ? { latitude: prox.Coordinates.Latitude ?? '', longitude: prox.Coordinates.Longitude ?? '' } : undefined,
          bias: prox.Bias,
        })
      : undefined,
    trafficPolicyInstanceId: rr.TrafficPolicyInstanceId,
  });
  return Object.keys(routing).length > 0 ? routing : undefined;
}

/** Map a record set from ListResourceRecordSets to the port's shape (names normalised, alias flattened). */
export function fromResourceRecordSet(rr: ResourceRecordSet): Route53RecordSet {
  const alias = rr.AliasTarget;
  return defined<Route53RecordSet>({
    name: normaliseRecordName(rr.Name ?? ''),
    type: rr.Type ?? '',
    ttl: rr.TTL,
    values: (rr.ResourceRecords ?? []).flatMap((r) => (r.Value === undefined ? [] : [r.Value])),
    setIdentifier: rr.SetIdentifier,
    weight: rr.Weight,
    failover: rr.Failover,
    healthCheckId: rr.HealthCheckId,
    // Route 53 returns alias targets in lower case with the trailing dot; normalise so a server that echoes them verbatim reads the same.
    alias: alias
      ? { dnsName: normaliseRecordName(alias.DNSName ?? ''), hostedZoneId: alias.HostedZoneId ?? '', evaluateTargetHealth: alias.EvaluateTargetHealth ?? false }
      : undefined,
    routing: routingFrom(rr),
  });
}

function routingTo(routing: Route53Routing | undefined): Partial<ResourceRecordSet> {
  if (!routing) return {};
  const { geoLocation: geo, cidrRoutingConfig: cidr, geoProximityLocation: prox } = routing;
  return defined<Partial<ResourceRecordSet>>({
    Region: routing.region as ResourceRecordSetRegion | undefined,
    GeoLocation: geo ? defined({ ContinentCode: geo.continentCode, CountryCode: geo.countryCode, SubdivisionCode: geo.subdivisionCode }) : undefined,
    MultiValueAnswer: routing.multiValueAnswer,
    CidrRoutingConfig: cidr ? { CollectionId: cidr.collectionId, LocationName: cidr.locationName } : undefined,
    GeoProximityLocation: prox
      ? defined({
          AWSRegion: prox.awsRegion,
          LocalZoneGroup: prox.localZoneGroup,
          Coordinates: prox.coordinates ? { Latitude: prox.coordinates.latitude, Longitude: prox.coordinates.longitude } : undefined,
          Bias: prox.bias,
        })
      : undefined,
    TrafficPolicyInstanceId: routing.trafficPolicyInstanceId,
  });
}

/**
 * Map a record of the port to the ResourceRecordSet of a change. An alias
 * record has an AliasTarget and neither TTL nor ResourceRecords (Route 53
 * rejects a batch that sends them together); a plain record has TTL and
 * ResourceRecords.
 */
export function toResourceRecordSet(record: DnsRecordSet): ResourceRecordSet {
  const routing = (record as Route53RecordSet).routing;
  const common = {
    Name: record.name,
    Type: record.type as RRType,
    SetIdentifier: record.setIdentifier,
    Weight: record.weight,
    Failover: record.failover as ResourceRecordSetFailover | undefined,
    ...routingTo(routing),
    HealthCheckId: record.healthCheckId,
  };
  if (record.alias) {
    const { dnsName, hostedZoneId, evaluateTargetHealth } = record.alias;
    return defined<ResourceRecordSet>({ ...common, AliasTarget: { HostedZoneId: hostedZoneId, DNSName: dnsName, EvaluateTargetHealth: evaluateTargetHealth } });
  }
  return defined<ResourceRecordSet>({ ...common, TTL: record.ttl, ResourceRecords: record.values.map((Value) => ({ Value })) });
}
