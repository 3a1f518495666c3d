import type { RegionConfig } from '../../config/types.js';

/** A value the same in every region, or one per region (names and ARNs often differ from region to region). */
export type PerRegion<T> = T | ((region: RegionConfig) => T);

/** The value of a {@link PerRegion} in `region`. */
export function valueIn<T>(value: PerRegion<T>, region: RegionConfig): T {
  return typeof value === 'function' ? (value as (r: RegionConfig) => T)(region) : value;
}
