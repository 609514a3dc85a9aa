import type { IngestionListener } from '../ingestion/ingested-message.js';
import type { CommandSender } from './command-sender.js';
import type { CommandService } from './command-service.js';

/**
 * Reacts to ingested device messages: a `cmd-result` moves its command along the lifecycle, a
 * birth re-publishes the device's unanswered commands. Messages are handled in arrival order, so
 * a command answered earlier in the batch is not re-sent by a later birth. Idempotent like the
 * service calls it makes: a batch handed over again only re-sends what is still unanswered.
 */
export function commandListener(service: CommandService, sender: CommandSender): IngestionListener {
  return {
    name: 'commands',
    async onBatch(messages) {
      for (const m of messages) {
        if (m.kind === 'commandResult') {
          await service.applyResult(m, m.payload, m.receivedAt);
        } else if (m.kind === 'status' && m.payload.state === 'online') {
          await sender.resendUndelivered(m);
        }
      }
    },
  };
}
