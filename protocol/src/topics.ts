import { CommandName, DeviceId, EventType, SiteId, StreamName } from './ids.js';
import { CommandPayload, CommandResultPayload } from './payloads/command.js';
import { DesiredConfigPayload, ReportedStatePayload } from './payloads/config.js';
import { EventPayload } from './payloads/event.js';
import { IngestedPayload } from './payloads/ingested.js';
import { CredentialSetPayload } from './payloads/locker.js';
import { WeatherPayload } from './payloads/weather.js';
import { StatusPayload } from './payloads/status.js';
import { TelemetryPayload } from './payloads/telemetry.js';
import { defineTopic, type Topic } from './topic.js';

/** Bumped only on an incompatible change; old and new agents can then share one broker. */
export const TOPIC_ROOT = 'hameau/v1';

const device = { site: SiteId, device: DeviceId };

/**
 * The topic table: the single source of truth for what crosses MQTT. The broker's ACL, the edge
 * link, cloud ingestion and docs/asyncapi.yaml are all derived from these rows.
 */
export const TOPICS = {
  status: defineTopic({
    name: 'status',
    summary: 'Birth (online, retained) and will (offline) of a device, with its session counter.',
    template: `${TOPIC_ROOT}/{site}/{device}/status`,
    params: device,
    payload: StatusPayload,
    direction: 'edge-to-cloud',
    qos: 1,
    retain: true,
    publishers: ['device'],
    subscribers: ['cloud', 'observer'],
  }),
  telemetry: defineTopic({
    name: 'telemetry',
    summary: 'Readings from one source, with the per-device seq; historical when replayed.',
    template: `${TOPIC_ROOT}/{site}/{device}/telemetry/{stream}`,
    params: { ...device, stream: StreamName },
    payload: TelemetryPayload,
    direction: 'edge-to-cloud',
    qos: 1,
    retain: false,
    publishers: ['device'],
    subscribers: ['cloud', 'observer'],
  }),
  event: defineTopic({
    name: 'event',
    summary: 'Something that happened once (door opened, code rejected, lamp failed).',
    template: `${TOPIC_ROOT}/{site}/{device}/event/{type}`,
    params: { ...device, type: EventType },
    payload: EventPayload,
    direction: 'edge-to-cloud',
    qos: 1,
    retain: false,
    publishers: ['device'],
    subscribers: ['cloud', 'observer'],
  }),
  command: defineTopic({
    name: 'command',
    summary: 'A command to one device, with id, issue time and expiry.',
    template: `${TOPIC_ROOT}/{site}/{device}/cmd/{name}`,
    params: { ...device, name: CommandName },
    payload: CommandPayload,
    direction: 'cloud-to-edge',
    qos: 1,
    retain: false,
    publishers: ['cloud'],
    subscribers: ['device'],
  }),
  commandResult: defineTopic({
    name: 'commandResult',
    summary:
      'The answer to a command, echoing its id: accepted (about to run), then ok with data or error with a code.',
    template: `${TOPIC_ROOT}/{site}/{device}/cmd-result`,
    params: device,
    payload: CommandResultPayload,
    direction: 'edge-to-cloud',
    qos: 1,
    retain: false,
    publishers: ['device'],
    subscribers: ['cloud', 'observer'],
  }),
  desiredConfig: defineTopic({
    name: 'desiredConfig',
    summary: 'Desired configuration of a device, versioned and retained.',
    template: `${TOPIC_ROOT}/{site}/{device}/config`,
    params: device,
    payload: DesiredConfigPayload,
    direction: 'cloud-to-edge',
    qos: 1,
    retain: true,
    publishers: ['cloud'],
    subscribers: ['device'],
  }),
  reportedState: defineTopic({
    name: 'reportedState',
    summary: 'The configuration version a device runs and its modules state, retained.',
    template: `${TOPIC_ROOT}/{site}/{device}/state`,
    params: device,
    payload: ReportedStatePayload,
    direction: 'edge-to-cloud',
    qos: 1,
    retain: true,
    publishers: ['device'],
    subscribers: ['cloud', 'observer'],
  }),
  ingested: defineTopic({
    name: 'ingested',
    summary:
      'The seqs the cloud has stored for a device, as ranges, retained: the device deletes those records from its outbox.',
    template: `${TOPIC_ROOT}/{site}/{device}/ingested`,
    params: device,
    payload: IngestedPayload,
    direction: 'cloud-to-edge',
    qos: 1,
    retain: true,
    publishers: ['cloud'],
    subscribers: ['device'],
  }),
  credentials: defineTopic({
    name: 'credentials',
    summary:
      'Every pickup and drop-off credential a locker bank should hold (code hashes, boxes, windows), versioned and retained.',
    template: `${TOPIC_ROOT}/{site}/{device}/credentials`,
    params: device,
    payload: CredentialSetPayload,
    direction: 'cloud-to-edge',
    qos: 1,
    retain: true,
    publishers: ['cloud'],
    // Not observers: the set carries the bank's hash key.
    subscribers: ['device'],
  }),
  weather: defineTopic({
    name: 'weather',
    summary:
      'The latest weather report for a lighting controller (Open-Meteo JSON or METAR), relayed by the cloud as fetched, retained.',
    template: `${TOPIC_ROOT}/{site}/{device}/weather`,
    params: device,
    payload: WeatherPayload,
    direction: 'cloud-to-edge',
    qos: 1,
    retain: true,
    publishers: ['cloud'],
    subscribers: ['device'],
  }),
} as const;

export type TopicName = keyof typeof TOPICS;
export const TOPIC_LIST: readonly Topic[] = Object.values(TOPICS);

/** Finds the table row a concrete topic belongs to, with its parameters. */
export function matchTopic(topic: string): { topic: Topic; params: Record<string, string> } | null {
  const levels = topic.split('/');
  for (const row of TOPIC_LIST) {
    const params = row.matchLevels(levels);
    if (params !== null) return { topic: row, params };
  }
  return null;
}
