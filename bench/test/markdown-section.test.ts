import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  replaceMarkdownSection,
  sectionMarkers,
  writeMarkdownSection,
} from '../src/markdown-section.js';

const START = '<!-- bench:broker:start -->';
const END = '<!-- bench:broker:end -->';

describe('replaceMarkdownSection', () => {
  it('replaces only the text between the markers', () => {
    const doc = `# Benchmarks\n\nintro\n\n${START}\nold\ntable\n${END}\n\n## Other\n\nkept\n`;
    expect(replaceMarkdownSection(doc, 'bench:broker', 'new')).toBe(
      `# Benchmarks\n\nintro\n\n${START}\n\nnew\n\n${END}\n\n## Other\n\nkept\n`,
    );
  });

  it('leaves other sections alone', () => {
    const other = '<!-- bench:ingest:start -->\ningest\n<!-- bench:ingest:end -->';
    const doc = `${other}\n\n${START}\nold\n${END}\n`;
    const out = replaceMarkdownSection(doc, 'bench:broker', 'new');
    expect(out).toContain(other);
    expect(out).toContain(`${START}\n\nnew\n\n${END}`);
  });

  it('appends the section after a blank line when the document has none', () => {
    expect(replaceMarkdownSection('# Benchmarks\n\nintro\n\n\n', 'bench:broker', 'body')).toBe(
      `# Benchmarks\n\nintro\n\n${START}\n\nbody\n\n${END}\n`,
    );
    expect(replaceMarkdownSection('', 'bench:broker', 'body')).toBe(`${START}\n\nbody\n\n${END}\n`);
  });

  it('is idempotent and trims the body so reruns do not grow blank lines', () => {
    const once = replaceMarkdownSection('# B\n', 'bench:broker', '\n\nbody\n\n');
    expect(replaceMarkdownSection(once, 'bench:broker', 'body')).toBe(once);
    expect(once).toBe(`# B\n\n${START}\n\nbody\n\n${END}\n`);
  });

  it('keeps `$` sequences in the body literally', () => {
    const out = replaceMarkdownSection(`${START}\n${END}`, 'bench:broker', "costs $& and $'");
    expect(out).toBe(`${START}\n\ncosts $& and $'\n\n${END}`);
  });

  it('refuses unpaired, repeated or reversed markers', () => {
    expect(() => replaceMarkdownSection(`${START}\nx\n`, 'bench:broker', 'b')).toThrow(/markers/);
    expect(() => replaceMarkdownSection(`x\n${END}\n`, 'bench:broker', 'b')).toThrow(/markers/);
    expect(() => replaceMarkdownSection(`${END}\n${START}\n`, 'bench:broker', 'b')).toThrow(
      /out of order/,
    );
    expect(() =>
      replaceMarkdownSection(`${START}${END}${START}${END}`, 'bench:broker', 'b'),
    ).toThrow(/markers/);
  });

  it('rejects ids that would make odd comments', () => {
    expect(() => sectionMarkers('bench broker')).toThrow(/invalid/);
    expect(() => sectionMarkers('x-->')).toThrow(/invalid/);
    expect(sectionMarkers('bench:broker')).toEqual({ start: START, end: END });
  });
});

describe('writeMarkdownSection', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file from the intro, then updates it in place', () => {
    dir = mkdtempSync(join(tmpdir(), 'hameau-md-'));
    const path = join(dir, 'benchmarks.md');
    writeMarkdownSection(path, 'bench:broker', 'first', '# Benchmarks\n\nintro\n');
    expect(readFileSync(path, 'utf8')).toBe(
      `# Benchmarks\n\nintro\n\n${START}\n\nfirst\n\n${END}\n`,
    );
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n## Hand-written\n`);
    writeMarkdownSection(path, 'bench:broker', 'second', 'unused');
    expect(readFileSync(path, 'utf8')).toBe(
      `# Benchmarks\n\nintro\n\n${START}\n\nsecond\n\n${END}\n\n## Hand-written\n`,
    );
  });
});
