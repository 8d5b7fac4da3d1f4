import { z } from 'zod';

const Text = (max: number) => z.string().max(max);

/**
 * The info object every capacitor-updater plugin (5 to 8, Android and iOS) sends with
 * each call: `createInfoObject()` in the plugin's source. Only what the server needs is
 * required; everything else is optional and unknown fields are allowed, so plugins yet
 * to come keep working.
 */
export const DeviceInfoSchema = z.looseObject({
  app_id: Text(255).min(1),
  device_id: Text(255).min(1),
  version_name: Text(255).min(1),
  version_build: Text(255).optional(),
  version_code: Text(255).optional(),
  version_os: Text(255).optional(),
  plugin_version: Text(64).optional(),
  platform: Text(32).optional(),
  custom_id: Text(255).nullable().optional(),
  is_emulator: z.boolean().optional(),
  is_prod: z.boolean().optional(),
  defaultChannel: Text(64).nullable().optional(),
  key_id: Text(64).optional(),
});
export type DeviceInfo = z.output<typeof DeviceInfoSchema>;

/**
 * `getLatest({includeBundleSize: true})` on 8.51: the info object, the version offered and the
 * manifest entries the device lacks (8.51.14:A/CapgoUpdater.java:630-660, 8.51.14:A/CapacitorUpdaterPlugin.java:4164-4180;
 * iOS 8.51.14:iS/CapgoUpdater.swift:1304-1363). Entries are read leniently, as Capgo does
 * (capgo@4bc7d83f:supabase/functions/_backend/plugin_runtime/utils/manifest_size.ts, normalizeManifestSizeFiles).
 */
export const ManifestSizeSchema = DeviceInfoSchema.extend({
  version: Text(255).optional(),
  manifest: z.array(z.unknown()).max(65_535).optional(),
});

/** `setChannel()`: the info object plus the channel asked for. */
export const SetChannelSchema = DeviceInfoSchema.extend({ channel: Text(64).min(1) });

/** One statistics event (`sendStats`): the info object plus what happened. */
export const StatsEventSchema = DeviceInfoSchema.extend({
  action: Text(64).min(1),
  version_name: Text(255),
  old_version_name: Text(255).nullable().optional(),
  timestamp: z.number().optional(),
});
export type StatsEvent = z.output<typeof StatsEventSchema>;

/**
 * Plugins before 8.42 send one event per request; newer ones send a batch of at most
 * 200. A batch is checked event by event (see the stats handler), so here it is only
 * an array of a bounded length.
 */
export const StatsBodySchema = z.union([StatsEventSchema, z.array(z.unknown()).max(500, 'a batch holds at most 500 events')]);
