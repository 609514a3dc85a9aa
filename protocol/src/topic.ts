import type { z } from 'zod';
import { ProtocolError } from './errors.js';
import {
  isValidParam,
  parseTemplate,
  type ParamSchemas,
  type TemplateSegment,
  type TopicParams,
} from './topic-template.js';

/** Who holds an MQTT identity. A device's rights are always bound to its own site and id. */
export type Role = 'device' | 'cloud' | 'observer';
export const ROLES: readonly Role[] = ['device', 'cloud', 'observer'];

export type Direction = 'edge-to-cloud' | 'cloud-to-edge';

export interface TopicSpec<P extends ParamSchemas, S extends z.ZodType> {
  /** Stable name used in code and in the generated docs, e.g. `telemetry`. */
  readonly name: string;
  readonly summary: string;
  /** Levels separated by `/`; `{name}` levels are parameters validated by `params`. */
  readonly template: string;
  readonly params: P;
  readonly payload: S;
  readonly direction: Direction;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly publishers: readonly Role[];
  readonly subscribers: readonly Role[];
}

/**
 * One row of the topic table with its helpers. Topic strings are only ever produced by `build`
 * and read by `match`, so no other code writes or parses a topic by hand.
 */
export interface Topic<
  P extends ParamSchemas = ParamSchemas,
  S extends z.ZodType = z.ZodType,
> extends TopicSpec<P, S> {
  readonly segments: readonly TemplateSegment[];
  /** The topic for these parameters; throws `TOPIC_INVALID` on an invalid value. */
  build(params: TopicParams<P>): string;
  /** The parameters when `topic` is an instance of this template, else null. */
  match(topic: string): TopicParams<P> | null;
  /** `match` for a topic already split into levels (the broker splits once for all rows). */
  matchLevels(levels: readonly string[]): TopicParams<P> | null;
  /** A subscription filter: given parameters are fixed, the others become `+`. */
  filter(params?: Partial<TopicParams<P>>): string;
  /** Decodes and validates a payload; throws `PAYLOAD_NOT_JSON` or `PAYLOAD_INVALID`. */
  decode(payload: Uint8Array | string): z.output<S>;
  /** Validates and encodes a payload; throws `PAYLOAD_INVALID` (never sends a bad message). */
  encode(payload: z.input<S>): Buffer;
}

/** Rejects invalid UTF-8 instead of silently replacing it with U+FFFD. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

export function defineTopic<P extends ParamSchemas, S extends z.ZodType>(
  spec: TopicSpec<P, S>,
): Topic<P, S> {
  const segments = parseTemplate(spec.template, spec.params);
  const paramSchema = (name: string): z.ZodType<string> => {
    const schema = spec.params[name];
    if (schema === undefined) throw new Error(`no schema for ${name}`);
    return schema;
  };

  const build = (params: TopicParams<P>): string =>
    segments
      .map((seg) => {
        if (seg.kind === 'literal') return seg.value;
        const value = params[seg.name];
        if (value === undefined || !isValidParam(paramSchema(seg.name), value)) {
          throw new ProtocolError('TOPIC_INVALID', `${spec.name}: invalid {${seg.name}}`, {
            param: seg.name,
            value,
          });
        }
        return value;
      })
      .join('/');

  const matchLevels = (levels: readonly string[]): TopicParams<P> | null => {
    if (levels.length !== segments.length) return null;
    const out: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as TemplateSegment;
      const level = levels[i] as string;
      if (seg.kind === 'literal') {
        if (seg.value !== level) return null;
      } else {
        if (!isValidParam(paramSchema(seg.name), level)) return null;
        out[seg.name] = level;
      }
    }
    return out as TopicParams<P>;
  };

  const match = (topic: string): TopicParams<P> | null => matchLevels(topic.split('/'));

  const filter = (params: Partial<TopicParams<P>> = {}): string =>
    segments
      .map((seg) => {
        if (seg.kind === 'literal') return seg.value;
        const value = params[seg.name];
        if (value === undefined) return '+';
        if (!isValidParam(paramSchema(seg.name), value)) {
          throw new ProtocolError('TOPIC_INVALID', `${spec.name}: invalid {${seg.name}}`, {
            param: seg.name,
            value,
          });
        }
        return value;
      })
      .join('/');

  const decode = (payload: Uint8Array | string): z.output<S> => {
    let json: unknown;
    try {
      json = JSON.parse(typeof payload === 'string' ? payload : STRICT_UTF8.decode(payload));
    } catch (err) {
      throw new ProtocolError('PAYLOAD_NOT_JSON', `${spec.name}: payload is not JSON`, {
        cause: err instanceof Error ? err.message : String(err),
      });
    }
    const result = spec.payload.safeParse(json);
    if (!result.success) {
      throw new ProtocolError('PAYLOAD_INVALID', `${spec.name}: payload does not match schema`, {
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return result.data;
  };

  const encode = (payload: z.input<S>): Buffer => {
    const result = spec.payload.safeParse(payload);
    if (!result.success) {
      throw new ProtocolError('PAYLOAD_INVALID', `${spec.name}: refusing to send invalid payload`, {
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return Buffer.from(JSON.stringify(result.data));
  };

  return Object.freeze({ ...spec, segments, build, match, matchLevels, filter, decode, encode });
}
