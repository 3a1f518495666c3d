/**
 * Breaks and heals a region for real, for game-day drills. The simulated
 * world implements it (its regional endpoints go down and its control plane
 * stops answering); on AWS there is none, and a game day starts with a
 * manual failover instead.
 */
export interface FaultInjector {
  /** Take a region down: its application endpoints stop answering. */
  outage(region: string): Promise<void>;
  /** Bring a region back: endpoints healthy, control plane answering. */
  heal(region: string): Promise<void>;
  /** Take Route 53's control plane down on its own (refusing or hanging), or bring it back (`up`). */
  route53?(state: 'up' | 'refuses' | 'hangs'): void;
}
