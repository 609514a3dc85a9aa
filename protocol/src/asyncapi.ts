import { z } from 'zod';
import type { Direction, Role, Topic } from './topic.js';
import { TOPIC_LIST, TOPIC_ROOT } from './topics.js';

type JsonSchema = z.core.JSONSchema.JSONSchema;

interface Ref {
  readonly $ref: string;
}

/** The slice of AsyncAPI 3.0.0 this package emits; key order is the order fields are set. */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly defaultContentType: 'application/json';
  readonly servers: Readonly<Record<string, AsyncApiServer>>;
  readonly channels: Readonly<Record<string, AsyncApiChannel>>;
  readonly operations: Readonly<Record<string, AsyncApiOperation>>;
  readonly components: {
    readonly messages: Readonly<Record<string, AsyncApiMessage>>;
    readonly securitySchemes: Readonly<
      Record<string, { type: 'userPassword'; description: string }>
    >;
  };
}

export interface AsyncApiServer {
  readonly host: string;
  readonly protocol: 'mqtt';
  readonly protocolVersion: string;
  readonly description: string;
  readonly security: readonly Ref[];
}

export interface AsyncApiChannel {
  readonly address: string;
  readonly title: string;
  readonly summary: string;
  readonly parameters: Readonly<Record<string, { readonly description: string }>>;
  readonly messages: Readonly<Record<string, Ref>>;
  readonly 'x-hameau-acl': {
    readonly direction: Direction;
    readonly publishers: readonly Role[];
    readonly subscribers: readonly Role[];
    readonly deviceScope: string;
  };
}

export interface AsyncApiOperation {
  readonly action: 'send' | 'receive';
  readonly channel: Ref;
  readonly summary: string;
  readonly messages: readonly Ref[];
  readonly bindings: {
    readonly mqtt: {
      readonly qos: 0 | 1;
      readonly retain: boolean;
      readonly bindingVersion: string;
    };
  };
}

export interface AsyncApiMessage {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly contentType: 'application/json';
  readonly payload: JsonSchema;
}

const MQTT_BINDING_VERSION = '0.2.0';

/** What each parameter name means; the accepted syntax is taken from its zod schema. */
const PARAM_MEANINGS: Readonly<Record<string, string>> = {
  site: 'The site id (one place in town with one edge agent box).',
  device: 'The device id (one edge agent identity at the site).',
  stream: 'The telemetry stream name, e.g. `energy`, `outbox`, `lighting`.',
  type: 'The event type, e.g. `door-opened`, `code-rejected`, `lamp-failure`.',
  name: 'The command name, e.g. `unlock`, `override`, `resync`.',
};

const DESCRIPTION = [
  'The MQTT contract between Hameau edge agents and the Hameau cloud, generated from the topic',
  'table in `protocol/src/topics.ts`.',
  '',
  "Operations are written from the edge agent's point of view: `send` for edge-to-cloud topics,",
  '`receive` for cloud-to-edge topics. The cloud does the opposite of each operation.',
  '',
  'Every payload is UTF-8 JSON. Messages that pass through the edge outbox (telemetry, events,',
  'command results) carry a per-device monotonic `seq` that survives restarts, the device-clock',
  'timestamp `at`, and `historical: true` when replayed after an outage; the cloud deduplicates',
  'on (device, seq).',
  '',
  'The `x-hameau-acl` extension of each channel lists the roles that may publish and subscribe.',
  'A device is bound to its own `{site}` and `{device}` levels; a subscription filter is allowed',
  'only when every topic it can reach is readable by the subscriber.',
].join('\n');

const CREDENTIALS = [
  'Username and password on CONNECT.',
  'A device connects as `site/device` and its client id must equal its username.',
  'A service account (role cloud or observer) connects with its bare name and uses that name,',
  'or `name:suffix` (suffix of 1-32 letters, digits, `_` or `-`), as client id.',
].join(' ');

/** The JSON Schema of a zod schema as AsyncAPI's default schema format (a draft-07 superset). */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // `input`: what a receiver accepts, so fields with a default are optional on the wire.
  const json: JsonSchema = {
    ...z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }),
  };
  // The dialect is implied by the document; a `$schema` per payload is noise.
  delete json.$schema;
  return json;
}

/**
 * Every payload is a JSON object. A union of objects (the command result) has no top-level
 * `type` in the generated schema, so it is stated here; anything else is a table error.
 */
function objectPayload(row: Topic): JsonSchema {
  const schema = jsonSchemaOf(row.payload);
  if (schema.type === 'object') return schema;
  const branches = schema.oneOf ?? schema.anyOf;
  const allObjects =
    schema.type === undefined &&
    (branches?.every((b) => typeof b === 'object' && b.type === 'object') ?? false);
  if (!allObjects) throw new Error(`topic ${row.name}: payload schema is not a JSON object`);
  return { type: 'object', ...schema };
}

function paramDescription(row: Topic, name: string): string {
  const schema = row.params[name];
  if (schema === undefined) throw new Error(`topic ${row.name}: no schema for {${name}}`);
  const { pattern } = jsonSchemaOf(schema);
  const meaning = PARAM_MEANINGS[name] ?? `The {${name}} level.`;
  return pattern === undefined ? meaning : `${meaning} Must match \`${pattern}\`.`;
}

function capitalized(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The AsyncAPI 3.0.0 description of the topic table, deterministic so regeneration is stable. */
export function buildAsyncApiDocument(): AsyncApiDocument {
  const channels: Record<string, AsyncApiChannel> = {};
  const operations: Record<string, AsyncApiOperation> = {};
  const messages: Record<string, AsyncApiMessage> = {};

  for (const row of TOPIC_LIST) {
    const messageRef = { $ref: `#/components/messages/${row.name}` };
    messages[row.name] = {
      name: row.name,
      title: capitalized(row.name),
      summary: row.summary,
      contentType: 'application/json',
      payload: objectPayload(row),
    };

    const parameters: Record<string, { description: string }> = {};
    for (const seg of row.segments) {
      if (seg.kind === 'param')
        parameters[seg.name] = { description: paramDescription(row, seg.name) };
    }
    channels[row.name] = {
      address: row.template,
      title: capitalized(row.name),
      summary: row.summary,
      parameters,
      messages: { [row.name]: messageRef },
      'x-hameau-acl': {
        direction: row.direction,
        publishers: [...row.publishers],
        subscribers: [...row.subscribers],
        deviceScope: 'A device may only use topics whose {site} and {device} are its own.',
      },
    };

    const action = row.direction === 'edge-to-cloud' ? 'send' : 'receive';
    operations[`${action}${capitalized(row.name)}`] = {
      action,
      channel: { $ref: `#/channels/${row.name}` },
      summary: row.summary,
      messages: [{ $ref: `#/channels/${row.name}/messages/${row.name}` }],
      bindings: {
        mqtt: { qos: row.qos, retain: row.retain, bindingVersion: MQTT_BINDING_VERSION },
      },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Hameau MQTT protocol',
      version: TOPIC_ROOT.split('/').at(-1) ?? TOPIC_ROOT,
      description: DESCRIPTION,
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: 'broker.example.org:8883',
        protocol: 'mqtt',
        protocolVersion: '3.1.1',
        description: `The town's Hameau broker, over TLS. ${CREDENTIALS}`,
        security: [{ $ref: '#/components/securitySchemes/credentials' }],
      },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: { credentials: { type: 'userPassword', description: CREDENTIALS } },
    },
  };
}
