import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CONFIG_FILE_NAME } from '../defaults.js';
import { describeFsError } from '../util/fs-error.js';
import { didYouMean } from '../util/suggest.js';
import { parseJson, validate } from '../util/validation.js';
import { BUILD_TYPES } from './version.js';
import { UpdateForgeError } from '../errors.js';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SLUG_HINT = "must be 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit";

/** File names an icon may have: they become URL path segments, so only plain characters. */
const ICON_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(png|jpe?g|webp|gif|svg)$/i;

const Slug = z.string().regex(SLUG, SLUG_HINT);

export const TeamSchema = z
  .strictObject({
    id: Slug.describe('Stable identifier of the team, used in UPDATEFORGE_USERS to grant access.'),
    name: z.string().min(1).max(100).describe('Name testers see.'),
  })
  .describe('A team of testers. Declaration order is the order the API lists teams in.');

const AppSchema = z
  .strictObject({
    id: Slug.describe('Stable identifier of the app; part of release tags and URLs.'),
    team: Slug.describe('The id of the team this app belongs to.'),
    title: z.string().min(1).max(100).describe('Name testers see.'),
    packageName: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/, 'must be a reverse-domain id such as com.example.app')
      .max(255)
      .describe('Android package name / iOS bundle id, e.g. com.example.app.'),
    icon: z
      .string()
      .refine((p) => !path.isAbsolute(p) && !p.includes('\\') && !p.split('/').includes('..'), {
        message: 'must be a path relative to updateforge.json, inside its folder',
      })
      .refine((p) => ICON_FILE_NAME.test(path.posix.basename(p)), {
        message: 'file name must be plain (letters, digits, . _ -) and end in .png, .jpg, .webp, .gif or .svg',
      })
      .optional()
      .describe('Icon image, relative to updateforge.json; published as icons/<app id>/<file name>.'),
    defaultChannel: z.string().optional().describe('The channel devices of this app follow unless they ask for another (a build type or a declared channel); default "release".'),
    encryptedBundles: z
      .boolean()
      .optional()
      .describe(
        "Whether this app's capacitor.config sets a Capgo publicKey. true: only encrypted bundles are published and offered (iOS decrypts every checksum once a key is set); false: only unencrypted ones. Unset: either, with the limits the README describes.",
      ),
  })
  .describe('An app. Declaration order is the order the API lists apps in.');

const ChannelSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1-64 letters, digits, '.', '_' or '-'")
      .describe('What devices ask for, as defaultChannel in capacitor.config or with setChannel().'),
    buildType: z.enum(BUILD_TYPES).describe('The build type whose bundles this channel serves.'),
    allowSelfSet: z
      .boolean()
      .optional()
      .describe(
        'Devices may pick this channel themselves, with setChannel() or as defaultChannel in capacitor.config (default false: only devices whose app defaults to it get it).',
      ),
  })
  .describe('A live-update channel: another name for a build type, and whether devices may pick it themselves.');

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editor completion.'),
    teams: z.array(TeamSchema).describe('Teams, oldest first.'),
    apps: z.array(AppSchema).describe('Apps, oldest first.'),
    channels: z.array(ChannelSchema).optional().describe('Live-update channels besides the build types themselves (release, debug, profile are always channels).'),
  })
  .superRefine((config, ctx) => {
    const channelNames = new Set<string>(BUILD_TYPES);
    const declared = new Set<string>();
    (config.channels ?? []).forEach((channel, i) => {
      if (declared.has(channel.name)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'name'], message: `duplicate channel '${channel.name}'` });
      declared.add(channel.name);
      if ((BUILD_TYPES as readonly string[]).includes(channel.name) && channel.name !== channel.buildType) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'buildType'], message: `channel '${channel.name}' is a build type and can only serve '${channel.name}'` });
      }
      channelNames.add(channel.name);
    });
    config.apps.forEach((app, i) => {
      if (app.defaultChannel !== undefined && !channelNames.has(app.defaultChannel)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apps', i, 'defaultChannel'],
          message: `unknown channel '${app.defaultChannel}' (channels: ${[...channelNames].join(', ')})${didYouMean(app.defaultChannel, channelNames)}`,
        });
      }
    });
    const teamIds = new Set<string>();
    config.teams.forEach((team, i) => {
      if (teamIds.has(team.id)) ctx.addIssue({ code: 'custom', path: ['teams', i, 'id'], message: `duplicate team id '${team.id}'` });
      teamIds.add(team.id);
    });
    const appIds = new Set<string>();
    const packageNames = new Set<string>();
    config.apps.forEach((app, i) => {
      if (appIds.has(app.id)) ctx.addIssue({ code: 'custom', path: ['apps', i, 'id'], message: `duplicate app id '${app.id}'` });
      appIds.add(app.id);
      if (packageNames.has(app.packageName)) {
        ctx.addIssue({ code: 'custom', path: ['apps', i, 'packageName'], message: `packageName '${app.packageName}' is used by another app` });
      }
      packageNames.add(app.packageName);
      if (!teamIds.has(app.team)) {
        const known = [...teamIds].map((t) => `'${t}'`).join(', ') || 'none declared';
        ctx.addIssue({ code: 'custom', path: ['apps', i, 'team'], message: `unknown team '${app.team}' (teams: ${known})${didYouMean(app.team, teamIds)}` });
      }
    });
  })
  .describe('UpdateForge feed configuration: the teams and apps of a feed.');

export type ChannelConfig = z.output<typeof ChannelSchema>;
export type AppConfig = z.output<typeof AppSchema>;
export type Config = z.output<typeof ConfigSchema>;

/** A validated config plus where it was read from, so relative icon paths can be resolved. */
export interface LoadedConfig {
  readonly path: string;
  readonly config: Config;
}

/** Validates an already-parsed config object; given the `text` it was parsed from, each problem names its line and column. */
export function parseConfig(value: unknown, source = CONFIG_FILE_NAME, options: { text?: string } = {}): Config {
  return validate(ConfigSchema, value, source, options);
}

/** Reads and validates `updateforge.json`; every problem is reported at once. */
export async function loadConfig(configPath: string): Promise<LoadedConfig> {
  const absolute = path.resolve(configPath);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`Cannot read config '${configPath}': ${describeFsError(error)}`, { cause: error });
  }
  return { path: absolute, config: parseConfig(parseJson(text, configPath, { located: true }), configPath, { text }) };
}

/** Where the icon of `app` lives on disk, or null when it has none. */
export function iconSourcePath(loaded: LoadedConfig, app: AppConfig): string | null {
  return app.icon === undefined ? null : path.resolve(path.dirname(loaded.path), app.icon);
}

/** Where the icon of `app` lives on the manifest branch. */
export function iconBranchPath(app: AppConfig): string | null {
  return app.icon === undefined ? null : `icons/${app.id}/${path.posix.basename(app.icon)}`;
}

export class ConfigFileError extends UpdateForgeError {
  override readonly name = 'ConfigFileError';
  readonly kind = 'config';
}
