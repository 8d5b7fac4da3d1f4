import { describe, expect, test } from 'vitest';
import { useWebhookReceiver } from '../../helpers/webhook-receiver.js';
import { notifyWebhook, parseWebhookUrl, webhookBody, webhookFormat, type PublishEvent } from '../../../src/publish/notify.js';

const event: PublishEvent = {
  event: 'version.published',
  outcome: 'published',
  headline: 'Published rocket release 1.2.0',
  feed: 'acme/mobile-feed',
  app: 'rocket',
  buildType: 'release',
  version: '1.2.0',
  id: '1001',
  name: 'January update',
  kind: 'bundle',
  size: 2048,
  sha256: 'a'.repeat(64),
  rollout: 20,
  downloadPath: '/api/v1/versions/1001/download',
};

const receiver = useWebhookReceiver();

describe('the notify webhook', () => {
  test("speaks Slack's and Discord's incoming-webhook shapes, and plain JSON to anything else", () => {
    expect(webhookFormat(new URL('https://hooks.slack.com/services/T0/B0/x'))).toBe('slack');
    expect(webhookFormat(new URL('https://discord.com/api/webhooks/1/abc'))).toBe('discord');
    expect(webhookFormat(new URL('https://ptb.discordapp.com/api/webhooks/1/abc'))).toBe('discord');
    expect(webhookFormat(new URL('https://discord.com/channels/1'))).toBe('json');
    expect(webhookFormat(new URL('https://ci.example.com/hooks/updateforge'))).toBe('json');
    const line = 'Published rocket release 1.2.0 “January update” in acme/mobile-feed, offered to 20% of devices.';
    expect(JSON.parse(webhookBody(event, 'slack'))).toEqual({ text: line });
    expect(JSON.parse(webhookBody(event, 'discord'))).toEqual({ content: line, allowed_mentions: { parse: [] } });
    expect(JSON.parse(webhookBody(event, 'json'))).toEqual(event);
  });

  test('POSTs the event as JSON', async () => {
    receiver.answer.status = 204;
    expect(await notifyWebhook(new URL(receiver.url('/hook?key=s3cret')), event)).toBeNull();
    expect(receiver.posts).toEqual([{ path: '/hook?key=s3cret', type: 'application/json', body: JSON.stringify(event) }]);
  });

  test('a failing, silent or unreachable webhook is a warning that never names the URL', async () => {
    receiver.answer.status = 500;
    const failed = await notifyWebhook(new URL(receiver.url('/hook?key=s3cret')), event);
    expect(failed).toBe('the notify webhook answered HTTP 500; the publish itself succeeded.');
    receiver.answer.silent = true;
    expect(await notifyWebhook(new URL(receiver.url('/slow?key=s3cret')), event, { timeoutMs: 200 })).toBe(
      'the notify webhook did not answer in time; the publish itself succeeded.',
    );
    receiver.answer.silent = false;
    expect(await notifyWebhook(new URL('http://127.0.0.1:1/hook?key=s3cret'), event)).toBe('the notify webhook could not be reached; the publish itself succeeded.');
  });

  test('only http(s) URLs are taken', () => {
    expect(parseWebhookUrl('https://hooks.slack.com/services/T0/B0/x')?.hostname).toBe('hooks.slack.com');
    expect(parseWebhookUrl('ftp://example.com/x')).toBeNull();
    expect(parseWebhookUrl('not a url')).toBeNull();
  });
});
