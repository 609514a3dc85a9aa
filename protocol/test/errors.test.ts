import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';
import { CommandErrorCode } from '../src/payloads/command.js';

interface DocumentedCode {
  readonly code: string;
  readonly http: number;
  readonly meaning: string;
}

/** Reads the rows of docs/errors.md whose first cell is a code in backticks. */
function documentedCodes(): DocumentedCode[] {
  const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows: DocumentedCode[] = [];
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\d{3})\s*\|(.*)\|\s*$/.exec(line.trim());
    if (match === null) continue;
    const [, code = '', http = '', meaning = ''] = match;
    rows.push({ code, http: Number(http), meaning: meaning.trim() });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const documented = documentedCodes();

  it('has a table of codes', () => {
    expect(documented.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(ERROR_CODES))(
    'documents %s with its HTTP status and a meaning',
    (code, { http }) => {
      const row = documented.find((entry) => entry.code === code);
      expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
      expect(row?.http).toBe(http);
      expect(row?.meaning).not.toBe('');
    },
  );

  it('documents no code that protocol/src/errors.ts does not define', () => {
    const unknown = documented.map((entry) => entry.code).filter((code) => !(code in ERROR_CODES));
    expect(unknown).toEqual([]);
  });

  it('documents each code once', () => {
    const codes = documented.map((entry) => entry.code);
    expect(codes.filter((code, index) => codes.indexOf(code) !== index)).toEqual([]);
  });
});

describe('docs/errors.md command result codes', () => {
  const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = markdown.split('## Command result codes')[1]?.split('\n## ')[0] ?? '';
  const documented = [
    ...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\S.*?)\s*\|\s*$/gm),
  ].map((m) => m[1]);

  it('documents exactly the codes a device may answer with', () => {
    expect([...documented].sort()).toEqual([...CommandErrorCode.options].sort());
  });
});
