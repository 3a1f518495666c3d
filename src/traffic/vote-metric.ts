/**
 * The CloudWatch metric a `health-checks` switch votes with. One value per
 * application and region voted on: 1 to take the region out of DNS, 0 to
 * keep it. Each controller stack publishes it in its own region, where the
 * alarms of that voter live.
 */
export const VOTE_NAMESPACE = 'FailoverController';
export const VOTE_METRIC = 'EvacuateRegion';

/** The metric's dimensions for one vote. */
export function voteDimensions(app: string, region: string): { name: string; value: string }[] {
  return [
    { name: 'Application', value: app },
    { name: 'Region', value: region },
  ];
}
