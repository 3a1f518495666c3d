import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PermanentError } from '../errors/errors.js';
import type { EndpointMode } from './regional-endpoint.js';

/** The file the switches live in, beside the simulated cloud's snapshot. */
const SWITCHES_FILE = 'switches.json';
const MODES: readonly EndpointMode[] = ['healthy', 'down', 'slow', 'http503', 'flapping'];

/** How one region of the simulated world was switched: its endpoints' mode, and since when its control plane is down. */
export interface RegionSwitch {
  mode: EndpointMode;
  /** Set while the region's control plane does not answer: when it stopped (ms since epoch). */
  controlPlaneDownSince?: number;
  /** The down control plane holds calls until the client's deadline instead of refusing them. */
  controlPlaneHangs?: boolean;
}

/**
 * The world's switches as an operator or a game day left them: the regions
 * that are not healthy. Local mode keeps them beside the simulated cloud, so
 * that a restarted `npm start` continues inside the same outage instead of
 * healing the world behind the runs it resumes.
 */
export interface WorldSwitches {
  version: 1;
  regions: Record<string, RegionSwitch>;
  /** Route 53's control plane, when it does not answer: refusing, or hanging until the client's deadline. */
  route53?: 'refuses' | 'hangs';
}

/** The switches saved in `dir`, or none when the world was never switched there. A damaged file is an error, never "healthy". */
export function readWorldSwitches(dir: string): WorldSwitches | undefined {
  const path = join(dir, SWITCHES_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new PermanentError(`${path}: not valid JSON; it records which simulated regions are broken. Fix it, or delete it to start with every region healthy`);
  }
  if (!isSwitches(parsed)) {
    throw new PermanentError(`${path}: not a version 1 record of the simulated world's switches. Fix it, or delete it to start with every region healthy`);
  }
  return parsed;
}

/** Save the switches atomically (a temporary file renamed over the old one), synchronously, before the change is acknowledged. */
export function writeWorldSwitches(dir: string, switches: WorldSwitches): void {
  const path = join(dir, SWITCHES_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(switches));
  renameSync(`${path}.tmp`, path);
}

function isSwitches(value: unknown): value is WorldSwitches {
  if (typeof value !== 'object' || value === null) return false;
  const { version, regions, route53 } = value as { version?: unknown; regions?: unknown; route53?: unknown };
  if (version !== 1 || typeof regions !== 'object' || regions === null || Array.isArray(regions)) return false;
  if (route53 !== undefined && route53 !== 'refuses' && route53 !== 'hangs') return false;
  return Object.values(regions).every((r: unknown) => {
    if (typeof r !== 'object' || r === null) return false;
    const { mode, controlPlaneDownSince, controlPlaneHangs } = r as { mode?: unknown; controlPlaneDownSince?: unknown; controlPlaneHangs?: unknown };
    return (
      MODES.includes(mode as EndpointMode) &&
      (controlPlaneDownSince === undefined || typeof controlPlaneDownSince === 'number') &&
      (controlPlaneHangs === undefined || typeof controlPlaneHangs === 'boolean')
    );
  });
}
