import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The HTML comments that delimit a generated section, e.g. `bench:broker`. */
export function sectionMarkers(id: string): { start: string; end: string } {
  if (!/^[a-z0-9][a-z0-9:._-]*$/.test(id)) throw new Error(`invalid section id "${id}"`);
  return { start: `<!-- ${id}:start -->`, end: `<!-- ${id}:end -->` };
}

function indexesOf(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) {
    found.push(i);
  }
  return found;
}

/**
 * Replaces what lies between the section's markers with `body`, leaving the rest of the document
 * untouched; appends the section (markers included) when the document has none. Throws when the
 * markers are unpaired, repeated or out of order rather than guess which text to overwrite.
 */
export function replaceMarkdownSection(doc: string, id: string, body: string): string {
  const { start, end } = sectionMarkers(id);
  const starts = indexesOf(doc, start);
  const ends = indexesOf(doc, end);
  // Blank lines inside the markers, as Prettier wants around a comment next to a block.
  const section = `${start}\n\n${body.replace(/^\n+|\s+$/g, '')}\n\n${end}`;
  if (starts.length === 0 && ends.length === 0) {
    const head = doc.replace(/\s+$/, '');
    return head === '' ? `${section}\n` : `${head}\n\n${section}\n`;
  }
  const [s] = starts;
  const [e] = ends;
  if (starts.length !== 1 || ends.length !== 1 || s === undefined || e === undefined || e < s) {
    throw new Error(
      `section "${id}" has ${starts.length} start and ${ends.length} end markers, or they are out of order`,
    );
  }
  return doc.slice(0, s) + section + doc.slice(e + end.length);
}

/** Writes `body` into the section of the Markdown file, creating the file from `intro` if absent. */
export function writeMarkdownSection(path: string, id: string, body: string, intro: string): void {
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : intro;
  writeFileSync(path, replaceMarkdownSection(doc, id, body));
}
