import type { Principal } from './principal.js';
import type { Topic } from './topic.js';
import { isValidParam, type TemplateSegment } from './topic-template.js';
import { TOPIC_LIST } from './topics.js';

/** Why an ACL check said no; `null` means allowed. Reasons are for logs and metrics. */
export type AclDenial =
  | 'sys-topic'
  | 'wildcard-in-publish'
  | 'unknown-topic'
  | 'role-may-not-publish'
  | 'role-may-not-subscribe'
  | 'not-own-device'
  | 'retain-mismatch'
  | 'filter-too-wide'
  | 'invalid-filter';

function boundValue(p: Principal, seg: TemplateSegment): string | undefined {
  if (p.role !== 'device' || seg.kind !== 'param') return undefined;
  if (seg.name === 'site') return p.site;
  if (seg.name === 'device') return p.device;
  return undefined;
}

/**
 * May `principal` publish to `topic`? The topic must be a row of the protocol table the role
 * may publish to, a device only on its own site and id, with the row's retain flag.
 */
export function checkPublish(
  principal: Principal,
  topic: string,
  retain: boolean,
): AclDenial | null {
  if (topic.startsWith('$')) return 'sys-topic';
  if (topic.includes('+') || topic.includes('#')) return 'wildcard-in-publish';
  const levels = topic.split('/');
  for (const row of TOPIC_LIST) {
    const params = row.matchLevels(levels);
    if (params === null) continue;
    if (!row.publishers.includes(principal.role)) return 'role-may-not-publish';
    if (principal.role === 'device') {
      if (params.site !== principal.site || params.device !== principal.device) {
        return 'not-own-device';
      }
    }
    return retain === row.retain ? null : 'retain-mismatch';
  }
  return 'unknown-topic';
}

type Overlap = 'none' | 'inside' | 'outside';

/**
 * How `filter` relates to `row` for `principal`: `none` when no topic of the row can match it,
 * `inside` when every topic of the row it matches is one the principal may read, else `outside`.
 */
function overlap(principal: Principal, row: Topic, levels: readonly string[]): Overlap {
  const mayRead = row.subscribers.includes(principal.role);
  let inside = mayRead;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level === '#') {
      // `#` matches the remaining levels, including none (the parent); every remaining level
      // must be free for the principal or the filter reaches topics it may not read.
      if (row.segments.length < i) return 'none';
      for (let j = i; j < row.segments.length; j++) {
        if (boundValue(principal, row.segments[j] as TemplateSegment) !== undefined) inside = false;
      }
      return inside ? 'inside' : 'outside';
    }
    const seg = row.segments[i];
    if (seg === undefined) return 'none';
    if (level === '+') {
      if (boundValue(principal, seg) !== undefined) inside = false;
      continue;
    }
    if (seg.kind === 'literal') {
      if (seg.value !== level) return 'none';
      continue;
    }
    const schema = row.params[seg.name];
    if (schema === undefined || !isValidParam(schema, level)) return 'none';
    const bound = boundValue(principal, seg);
    if (bound !== undefined && bound !== level) inside = false;
  }
  if (levels.length !== row.segments.length) return 'none';
  return inside ? 'inside' : 'outside';
}

/** A syntactically valid MQTT filter: `#` only last and alone, `+` alone in its level. */
function validFilter(levels: readonly string[]): boolean {
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

/**
 * May `principal` subscribe to `filter`? Allowed when the filter reaches at least one row the
 * role may read and every topic it can reach is one the principal may read. So a device may
 * subscribe to `hameau/v1/its-site/its-id/cmd/+` but never to `#`, `hameau/v1/+/+/cmd/+`, or
 * `hameau/v1/its-site/its-id/#` (which would include its own outgoing status).
 */
export function checkSubscribe(principal: Principal, filter: string): AclDenial | null {
  if (filter.startsWith('$')) return 'sys-topic';
  const levels = filter.split('/');
  if (filter === '' || !validFilter(levels)) return 'invalid-filter';
  let reaches = false;
  for (const row of TOPIC_LIST) {
    const o = overlap(principal, row, levels);
    if (o === 'outside') {
      return row.subscribers.includes(principal.role)
        ? 'filter-too-wide'
        : 'role-may-not-subscribe';
    }
    if (o === 'inside') reaches = true;
  }
  return reaches ? null : 'unknown-topic';
}
