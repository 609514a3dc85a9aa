import { decodeDeviceMessage } from '../../../src/ingestion/decode-device-message.js';
import type { IngestedKind, IngestedOf } from '../../../src/ingestion/ingested-message.js';
import type { JournalEntry } from '../../../src/ingestion/ingest-journal.js';

/** A journal entry decoded as the pipeline decodes it, asserted to be of one kind. */
export function decoded<K extends IngestedKind>(
  kind: K,
  entry: JournalEntry,
  receivedAt = entry.receivedAt,
): IngestedOf<K> {
  const result = decodeDeviceMessage(entry.topic, entry.payload, receivedAt);
  if (!result.ok) throw new Error(`fixture refused: ${JSON.stringify(result.rejected)}`);
  if (result.message.kind !== kind) throw new Error(`not a ${kind}: ${entry.topic}`);
  return result.message as IngestedOf<K>;
}
