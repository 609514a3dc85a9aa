import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { openSerialLink, SocatPtyPair, type ByteLink } from '@hameau/firmware-sim';
import {
  KeypadConfig,
  startSerialKeypad,
  type SerialKeypad,
} from '../../../../src/modules/locker/keypad/serial-keypad.js';
import { capturingLogger, ScriptedDesk } from '../kiosk/helpers/scripted-desk.js';
import { eventually } from '../kiosk/helpers/eventually.js';

/** The keypad's side of the cable: what it types, and the answer lines it got back. */
class KeypadPeer {
  #received = '';

  private constructor(readonly link: ByteLink) {
    link.onData((chunk) => {
      this.#received += chunk.toString('latin1');
    });
  }

  static async open(path: string): Promise<KeypadPeer> {
    const link = await openSerialLink('keypad', { path, baud: 9600, parity: 'none', stopBits: 1 });
    return new KeypadPeer(link);
  }

  type(text: string | Buffer): void {
    this.link.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  }

  /** Complete answer lines so far (each must end in CRLF). */
  answers(): string[] {
    const parts = this.#received.split('\r\n');
    parts.pop();
    return parts;
  }
}

let dir: string;
let pair: SocatPtyPair | null = null;
let peer: KeypadPeer | null = null;
let keypad: SerialKeypad | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hameau-keypad-'));
});

afterEach(async () => {
  await keypad?.stop();
  await peer?.link.close();
  await pair?.close();
  keypad = null;
  peer = null;
  pair = null;
  rmSync(dir, { recursive: true, force: true });
});

/** Gives bytes in flight time to arrive, before asserting that nothing came of them. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 150));

const scannerPath = () => join(dir, 'scanner');
const agentPath = () => join(dir, 'agent');

/** Plugs the keypad in: a socat pair, its keypad end opened by the test. */
async function plugIn(): Promise<KeypadPeer> {
  pair = await SocatPtyPair.open(scannerPath(), agentPath());
  peer = await KeypadPeer.open(scannerPath());
  return peer;
}

/** Pulls the keypad out: both pty ends vanish. */
async function pullOut(): Promise<void> {
  await peer?.link.close();
  await pair?.close();
  peer = null;
  pair = null;
}

async function start(desk: ScriptedDesk, clock = new ManualClock(), terminal = 'door-scanner') {
  const { log, lines } = capturingLogger();
  keypad = await startSerialKeypad({
    desk,
    config: KeypadConfig.parse({ path: agentPath(), terminal }),
    log,
    clock,
  });
  const logged = (text: string) => lines.filter((l) => l.includes(text)).length;
  return { clock, lines, logged };
}

describe('serial keypad over a socat pty pair', () => {
  it('takes defaults for the baud rate and terminal', () => {
    expect(KeypadConfig.parse({ path: '/dev/ttyUSB0' })).toEqual({
      path: '/dev/ttyUSB0',
      baudRate: 9600,
      terminal: 'keypad',
    });
    expect(KeypadConfig.safeParse({ path: '' }).success).toBe(false);
  });

  it('hands a code line to the desk under its terminal and writes the answer back', async () => {
    const desk = new ScriptedDesk()
      .answer('48213907', { status: 'opened', box: 12, kind: 'pickup' })
      .answer('11112222', { status: 'rejected', reason: 'locked-out', retryAfterSeconds: 300 });
    const keypadEnd = await plugIn();
    await start(desk);

    keypadEnd.type('48213907\r\n');
    await eventually(() => keypadEnd.answers()).toEqual(['OK 12']);
    keypadEnd.type('HAMEAU:00042137\r');
    keypadEnd.type('11112222\n');
    await eventually(() => keypadEnd.answers()).toEqual([
      'OK 12',
      'ERR unknown',
      'ERR locked-out 300',
    ]);
    expect(desk.calls).toEqual([
      { terminal: 'door-scanner', code: '48213907' },
      { terminal: 'door-scanner', code: '00042137' },
      { terminal: 'door-scanner', code: '11112222' },
    ]);
  });

  it('joins a code that arrives in pieces', async () => {
    const desk = new ScriptedDesk().answer('48213907', {
      status: 'opened',
      box: 3,
      kind: 'dropoff',
    });
    const keypadEnd = await plugIn();
    await start(desk);
    keypadEnd.type('4821');
    await pause();
    expect(desk.calls).toHaveLength(0);
    keypadEnd.type('3907\r\n');
    await eventually(() => keypadEnd.answers()).toEqual(['OK 3']);
  });

  it('ignores long lines and garbage, and keeps working', async () => {
    const desk = new ScriptedDesk().answer('48213907', {
      status: 'opened',
      box: 7,
      kind: 'pickup',
    });
    const keypadEnd = await plugIn();
    const { lines, logged } = await start(desk);

    keypadEnd.type(Buffer.from([0x00, 0xff, 0x13, 0x80, 0x31, 0x32, 0x0d, 0x0a]));
    keypadEnd.type(`${'9'.repeat(100)}\n`);
    keypadEnd.type('1234567\r\n');
    keypadEnd.type('   \r\n');
    keypadEnd.type('48213907\n');
    await eventually(() => keypadEnd.answers()).toEqual(['ERR format', 'ERR format', 'OK 7']);
    expect(desk.calls.map((c) => c.code)).toEqual(['48213907']);
    expect(logged('keypad line too long')).toBe(1);
    expect(lines.join('')).not.toContain('48213907');
    expect(lines.join('')).not.toContain('1234567');
  });

  it('drops lines beyond what it can queue while the desk is busy', async () => {
    const desk = new ScriptedDesk();
    let open = (): void => undefined;
    desk.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const keypadEnd = await plugIn();
    const { logged } = await start(desk);
    keypadEnd.type('10000000\n'.repeat(20));
    await eventually(() => logged('line dropped')).toBeGreaterThan(0);
    open();
    await eventually(() => logged('line dropped') + keypadEnd.answers().length).toBe(20);
    // One line at the desk and eight waiting at most, however the bytes were chunked.
    expect(keypadEnd.answers().length).toBeGreaterThanOrEqual(8);
    expect(keypadEnd.answers().length).toBeLessThanOrEqual(9);
  });

  it('reopens the port when the device vanishes and returns on the same path', async () => {
    const desk = new ScriptedDesk().answer('48213907', {
      status: 'opened',
      box: 2,
      kind: 'pickup',
    });
    let keypadEnd = await plugIn();
    const { clock, logged } = await start(desk);
    keypadEnd.type('48213907\n');
    await eventually(() => keypadEnd.answers()).toEqual(['OK 2']);

    await pullOut();
    await eventually(() => logged('keypad port unavailable')).toBe(1);
    expect(clock.pending).toBe(1);
    // Still gone: the attempt fails and the next one waits longer, on the clock.
    await clock.advance(1_000);
    await eventually(() => logged('"retryInMs":2000')).toBe(1);

    keypadEnd = await plugIn();
    await clock.advance(1_999);
    expect(logged('keypad port back')).toBe(0);
    await clock.advance(1);
    await eventually(() => logged('keypad port back')).toBe(1);

    keypadEnd.type('48213907\r\n');
    await eventually(() => keypadEnd.answers()).toEqual(['OK 2']);
    expect(desk.calls).toHaveLength(2);
  });

  it('starts without its device and opens it once it appears', async () => {
    const desk = new ScriptedDesk().answer('48213907', {
      status: 'opened',
      box: 9,
      kind: 'pickup',
    });
    const { clock, logged } = await start(desk);
    expect(logged('keypad port unavailable')).toBe(1);
    const keypadEnd = await plugIn();
    await eventually(async () => {
      await clock.advance(1_000);
      return logged('keypad port back');
    }).toBe(1);
    keypadEnd.type('48213907\n');
    await eventually(() => keypadEnd.answers()).toEqual(['OK 9']);
  });

  it('stops reading and reopening on stop', async () => {
    const desk = new ScriptedDesk();
    const keypadEnd = await plugIn();
    const { clock } = await start(desk);
    await keypad?.stop();
    expect(clock.pending).toBe(0);
    keypadEnd.type('48213907\n');
    await clock.advance(60_000);
    await pause();
    expect(desk.calls).toHaveLength(0);
    expect(keypadEnd.answers()).toEqual([]);
  });

  it('stops while waiting for its device', async () => {
    const { clock } = await start(new ScriptedDesk());
    expect(clock.pending).toBe(1);
    await keypad?.stop();
    expect(clock.pending).toBe(0);
  });
});
