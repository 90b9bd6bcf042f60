/** Picks the notifier from the configuration: the webhook when NOTIFY_WEBHOOK_URL is set, else the log. */
import { LogNotifier, WebhookNotifier, type Notifier, type NotifyLog } from './notifier.js'

export { LogNotifier, WebhookNotifier, type Notifier } from './notifier.js'
export { OutboxSender } from './outbox.js'

export function createNotifier(
  config: { notifyWebhookUrl: string | undefined; notifyWebhookToken: string | undefined },
  log: NotifyLog,
): Notifier {
  if (config.notifyWebhookUrl)
    return new WebhookNotifier({ url: config.notifyWebhookUrl, token: config.notifyWebhookToken, timeoutMs: 10_000 })
  return new LogNotifier(log)
}
