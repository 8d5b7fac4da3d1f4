import { createHash } from 'node:crypto';

/**
 * Whether a device is among the `percent` % offered a version. The bucket comes from a
 * hash of the device and the version, so it is the same at every poll (a device never
 * flips back and forth), raising the percentage only adds devices, and each version
 * samples a different set of devices.
 */
export function inRollout(options: { deviceId: string; app: string; version: string; percent: number }): boolean {
  if (options.percent >= 100) return true;
  if (options.percent <= 0) return false;
  const digest = createHash('sha256').update(`${options.app}\0${options.version}\0${options.deviceId}`).digest();
  // 0 ≤ bucket < 10,000: hundredths of a percent.
  const bucket = digest.readUInt32BE(0) % 10_000;
  return bucket < options.percent * 100;
}
