/**
 * GOV.UK Notify through its official client (`notifications-node-client`), one client per
 * API key, pointed at `GOVUK_NOTIFY_BASE_URL` (a local stand-in in tests). Without a key
 * nothing is sent: the e-mail is logged and no notification id comes back, as the
 * original's mock client lets development run without credentials. Export wins and
 * reminders share this module; it knows no domain.
 */
import { DoNotRetryError } from "../jobs/definition.ts";
import type { Logger } from "../log.ts";

export interface EmailToSend {
  recipient: string;
  templateId: string;
  personalisation: Record<string, unknown>;
  /** Notify's `reference`: our id of the e-mail, so Notify's records point back at it. */
  reference?: string;
}

export interface Notifier {
  /** Sends an e-mail; the Notify notification id, or null when no key is configured. */
  sendEmail(email: EmailToSend): Promise<string | null>;
  /** A notification's delivery status (`delivered`, `permanent-failure`, ...). */
  status(notificationId: string): Promise<string | null>;
}

interface HttpError {
  response?: { status?: number; data?: unknown };
}

/** Notify refuses a request (400 bad template or address, 403 bad key): retrying cannot help. */
function rethrow(error: unknown): never {
  const status = (error as HttpError).response?.status;
  const detail = JSON.stringify((error as HttpError).response?.data ?? String(error));
  if (status === 400 || status === 403) {
    throw new DoNotRetryError(`GOV.UK Notify refused the request (${status}): ${detail}`);
  }
  throw new Error(`GOV.UK Notify request failed (${status ?? "no response"}): ${detail}`);
}

export function createNotifier(
  options: { baseUrl: string; apiKey: string | undefined; log: Logger },
): Notifier {
  const { apiKey, log } = options;
  if (!apiKey) {
    return {
      sendEmail(email) {
        log.warn("notify: no API key, e-mail logged instead of sent", {
          template_id: email.templateId,
          reference: email.reference,
        });
        return Promise.resolve(null);
      },
      status: () => Promise.resolve(null),
    };
  }
  // The client (and its HTTP stack, ~10 MB) is loaded on the first e-mail, not at start.
  let loaded: Promise<import("notifications-node-client").NotifyClient> | undefined;
  const notifyClient = () =>
    loaded ??= import("notifications-node-client").then(({ NotifyClient }) =>
      new NotifyClient(options.baseUrl.replace(/\/$/, ""), apiKey)
    );
  return {
    async sendEmail(email) {
      try {
        const client = await notifyClient();
        const response = await client.sendEmail(email.templateId, email.recipient, {
          personalisation: email.personalisation,
          reference: email.reference,
        });
        return (response.data as { id: string }).id;
      } catch (error) {
        rethrow(error);
      }
    },
    async status(notificationId) {
      try {
        const client = await notifyClient();
        const response = await client.getNotificationById(notificationId);
        return (response.data as { status?: string }).status ?? null;
      } catch (error) {
        rethrow(error);
      }
    },
  };
}
