import { lstat, mkdtemp, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HameauError } from '@hameau/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocatPtyPair } from '../../src/transport/socat-pty-pair.js';
import { SerialClient } from '../serial-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-socat-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

describe('SocatPtyPair', () => {
  it('links two ptys that carry bytes both ways, and removes the links on close', async () => {
    const pair = await SocatPtyPair.open(join(dir, 'a'), join(dir, 'b'));
    const a = await SerialClient.open(pair.a);
    const b = await SerialClient.open(pair.b);
    try {
      a.write(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x02, 0x71, 0xcb]));
      expect((await b.read(8)).toString('hex')).toBe('01040000000271cb');
      b.write(Buffer.from([0x00, 0xff, 0x0a, 0x0d]));
      expect((await a.read(4)).toString('hex')).toBe('00ff0a0d');
    } finally {
      await a.close();
      await b.close();
      await pair.close();
    }
    expect(await exists(pair.a)).toBe(false);
    expect(await exists(pair.b)).toBe(false);
    await pair.close();
  });

  it('refuses to replace a file that is not a symlink', async () => {
    const file = join(dir, 'precious');
    await writeFile(file, 'keep me');
    await expect(SocatPtyPair.open(join(dir, 'x'), file)).rejects.toThrow(/not a symlink/);
    expect(await exists(file)).toBe(true);
  });

  it('replaces a stale link left by a crashed run', async () => {
    await symlink('/dev/pts/nonexistent', join(dir, 'stale'));
    const pair = await SocatPtyPair.open(join(dir, 'stale'), join(dir, 'fresh'));
    try {
      expect(await readlink(pair.a)).toMatch(/^\/dev\/pts\/\d+$/);
    } finally {
      await pair.close();
    }
  });

  it('reports a socat that fails or is missing as a configuration error', async () => {
    await expect(SocatPtyPair.open(join(dir, 'no/such/dir/a'), join(dir, 'c'))).rejects.toThrow(
      /socat exited/,
    );
    const missing = SocatPtyPair.open(join(dir, 'd'), join(dir, 'e'), '/nonexistent/socat');
    await expect(missing).rejects.toThrow(HameauError);
    await expect(missing).rejects.toThrow(/is not installed/);
  });
});
