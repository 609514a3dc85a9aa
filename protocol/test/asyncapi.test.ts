import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ASYNCAPI_PATH,
  GENERATED_HEADER,
  renderAsyncApiYaml,
} from '../scripts/generate-asyncapi.js';
import { buildAsyncApiDocument } from '../src/asyncapi.js';
import { TOPIC_LIST } from '../src/topics.js';

const doc = buildAsyncApiDocument();

describe('docs/asyncapi.yaml', () => {
  it('is exactly what the generator writes (run `npm run docs:generate` if not)', () => {
    const committed = readFileSync(ASYNCAPI_PATH, 'utf8');
    expect(committed.split('\n')[0]).toBe(GENERATED_HEADER);
    expect(committed).toBe(renderAsyncApiYaml());
  });

  it('parses back to the built document', () => {
    expect(parse(readFileSync(ASYNCAPI_PATH, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(doc)) as unknown,
    );
  });
});

describe('docs/protocol.md', () => {
  it('lists every topic row exactly as the table defines it', () => {
    const md = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const rows = md
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim().replace(/`/g, '')))
      .filter((cells) => cells[2]?.startsWith('hameau/'))
      .map((cells) => cells.slice(1, 8).join(' | '));
    const expected = TOPIC_LIST.map((t) =>
      [
        t.name,
        t.template,
        t.direction,
        String(t.qos),
        t.retain ? 'yes' : 'no',
        t.publishers.join(', '),
        t.subscribers.join(', '),
      ].join(' | '),
    );
    expect(rows).toEqual(expected);
  });
});

describe('buildAsyncApiDocument', () => {
  it('is AsyncAPI 3.0.0 with a title and version', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info.title).toBe('Hameau MQTT protocol');
    expect(doc.info.version).toBe('v1');
    expect(doc.info.description).toContain("edge agent's point of view");
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildAsyncApiDocument())).toBe(JSON.stringify(doc));
  });

  it('has one channel per topic row, addressed by its template', () => {
    expect(Object.keys(doc.channels)).toEqual(TOPIC_LIST.map((t) => t.name));
    for (const row of TOPIC_LIST) {
      const channel = doc.channels[row.name];
      expect(channel?.address).toBe(row.template);
      const params = row.segments.flatMap((s) => (s.kind === 'param' ? [s.name] : []));
      expect(Object.keys(channel?.parameters ?? {})).toEqual(params);
      for (const p of params) expect(channel?.parameters[p]?.description).toMatch(/Must match `\^/);
      expect(channel?.['x-hameau-acl']).toMatchObject({
        direction: row.direction,
        publishers: row.publishers,
        subscribers: row.subscribers,
      });
    }
  });

  it("has one operation per row from the edge agent's side, with qos and retain", () => {
    expect(Object.keys(doc.operations)).toHaveLength(TOPIC_LIST.length);
    for (const row of TOPIC_LIST) {
      const ops = Object.values(doc.operations).filter(
        (op) => op.channel.$ref === `#/channels/${row.name}`,
      );
      expect(ops).toHaveLength(1);
      const op = ops[0];
      expect(op?.action).toBe(row.direction === 'edge-to-cloud' ? 'send' : 'receive');
      expect(op?.bindings.mqtt).toMatchObject({ qos: row.qos, retain: row.retain });
    }
  });

  it('resolves every $ref', () => {
    const resolve = (ref: string): unknown =>
      ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>(
          (node, key) =>
            typeof node === 'object' && node !== null
              ? (node as Record<string, unknown>)[key]
              : undefined,
          doc,
        );
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(TOPIC_LIST.length * 3);
    for (const r of refs) {
      const ref = (JSON.parse(`{${r}}`) as { $ref: string }).$ref;
      expect(resolve(ref), ref).toBeDefined();
    }
  });

  it('gives every message an object payload without a per-payload $schema', () => {
    for (const row of TOPIC_LIST) {
      const message = doc.components.messages[row.name];
      expect(message?.payload.type).toBe('object');
      expect(message?.payload).not.toHaveProperty('$schema');
      expect(message?.contentType).toBe('application/json');
    }
  });

  it('describes the command result as the union of its three branches', () => {
    const payload = doc.components.messages.commandResult?.payload;
    const statuses = (payload?.oneOf ?? []).map((b) =>
      typeof b === 'object' ? b.properties?.status : undefined,
    );
    expect(statuses).toEqual([
      { type: 'string', const: 'accepted' },
      { type: 'string', const: 'ok' },
      { type: 'string', const: 'error' },
    ]);
  });

  it('documents input payloads: fields with a default are optional', () => {
    const command = doc.components.messages.command?.payload;
    expect(command?.required).toEqual(['id', 'issuedAt', 'expiresAt', 'issuedBy']);
    expect(command?.additionalProperties).toBe(false);
  });
});
