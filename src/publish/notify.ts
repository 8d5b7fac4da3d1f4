import { PublishInputError } from './errors.js';
import type { PublishResult } from './publish.js';
import { publishHeadline } from './outcome.js';

// After a publish, a JSON event POSTed to a URL the maintainer gives: plain JSON for their own
// service, or the message shape of a Slack or Discord incoming webhook. The URL is a secret of
// its own (anyone holding a Slack webhook URL can post to the channel): it is never logged or
// put in a message, and the event holds nothing secret, only what testers are told anyway.

export type WebhookFormat = 'json' | 'slack' | 'discord';

/** What a publish tells a webhook. */
export interface PublishEvent {
  readonly event: 'version.published';
  readonly outcome: PublishResult['outcome'];
  readonly headline: string;
  readonly feed: string;
  readonly app: string;
  readonly buildType: string;
  readonly version: string;
  readonly id: string;
  readonly name: string;
  readonly kind: 'binary' | 'bundle' | null;
  readonly size: number | null;
  readonly sha256: string | null;
  readonly rollout: number;
  /** Where testers download it on the API (a path on the deployment), or null while pending. */
  readonly downloadPath: string | null;
}

export function publishEvent(result: PublishResult, feed: string): PublishEvent {
  const v = result.version;
  return {
    event: 'version.published',
    outcome: result.outcome,
    headline: publishHeadline(result),
    feed,
    app: v.app,
    buildType: v.buildType,
    version: v.version,
    id: v.id,
    name: v.name,
    kind: v.file?.kind ?? null,
    size: v.file?.size ?? null,
    sha256: v.file?.sha256 ?? null,
    rollout: v.rollout ?? 100,
    downloadPath: result.downloadPath,
  };
}

/**
 * The body a webhook at `url` understands: Slack's incoming webhooks take `{text}`
 * (https://api.slack.com/messaging/webhooks), Discord's `{content}` of up to 2,000 characters
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook); anything else gets the event.
 */
export function webhookFormat(url: URL): WebhookFormat {
  if (url.hostname === 'hooks.slack.com') return 'slack';
  if (/^(?:\w+\.)?discord(?:app)?\.com$/.test(url.hostname) && url.pathname.startsWith('/api/webhooks/')) return 'discord';
  return 'json';
}

export function webhookBody(event: PublishEvent, format: WebhookFormat): string {
  const line = `${event.headline}${event.name ? ` “${event.name}”` : ''} in ${event.feed}${event.rollout < 100 ? `, offered to ${event.rollout}% of devices` : ''}.`;
  if (format === 'slack') return JSON.stringify({ text: line });
  if (format === 'discord') return JSON.stringify({ content: line.slice(0, 2000), allowed_mentions: { parse: [] } });
  return JSON.stringify(event);
}

/** Checks a webhook URL before anything is published, so a typo fails the run instead of being found afterwards. */
export function parseWebhookUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** The `notify-webhook` the CLI or the action was given, or undefined for none; its text is never repeated (it is a secret). */
export function webhookInput(text: string | undefined): URL | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const url = parseWebhookUrl(text.trim());
  if (!url) throw new PublishInputError('notify-webhook', 'is not an http(s) URL.');
  return url;
}

/** Tells the webhook about a publish that changed something (a re-run that changed nothing tells nobody again); a problem to warn about, or null. */
export async function announcePublish(webhook: URL | undefined, result: PublishResult, feed: string): Promise<string | null> {
  if (!webhook || result.outcome === 'unchanged') return null;
  return notifyWebhook(webhook, publishEvent(result, feed));
}

/**
 * POSTs the event; never throws. A webhook that fails or is slow must not fail a publish that is
 * already done: the caller reports the returned problem as a warning. The reason names the status
 * or the failure, never the URL.
 */
export async function notifyWebhook(url: URL, event: PublishEvent, options: { timeoutMs?: number } = {}): Promise<string | null> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'UpdateForge' },
      body: webhookBody(event, webhookFormat(url)),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    return response.ok ? null : `the notify webhook answered HTTP ${response.status}; the publish itself succeeded.`;
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'did not answer in time' : 'could not be reached';
    return `the notify webhook ${reason}; the publish itself succeeded.`;
  }
}
