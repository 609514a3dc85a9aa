import { ManualClock } from '@hameau/protocol';
import { afterEach, expect, it } from 'vitest';
import type {
  ModbusWriteClient,
  ReadRequest,
} from '../../../../src/modules/metering/transport/modbus-client.js';
import { ModbusSerialClient } from '../../../../src/modules/metering/transport/modbus-serial-client.js';
import { ModbusLampNodeBus } from '../../../../src/modules/lighting/nodes/modbus-lamp-node-bus.js';
import { ModbusLampNodeBusConfig } from '../../../../src/modules/lighting/nodes/modbus-lamp-node-config.js';
import { ScriptedPeer, type PeerAnswer } from '../../metering/helpers/scripted-peer.js';
import { outcome, silentLog } from './helpers/lamp-node-rig.js';

/** Replies no simulated node gives: a wrong write echo, impossible register values. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const config = (port: number) =>
  ModbusLampNodeBusConfig.parse({
    type: 'modbus',
    id: 'b',
    transport: 'tcp',
    host: '127.0.0.1',
    port,
    nodes: [{ id: 'n1', unitId: 1 }],
  });

it('takes a write acknowledged with another value for garbage, not for success', async () => {
  const answers: PeerAnswer[] = [{ pdu: [0x06, 0x00, 0x00, 0x00, 0x63] }];
  const peer = new ScriptedPeer('mbap', () => answers.shift() ?? { silent: true });
  const port = await peer.start();
  cleanups.push(() => peer.stop());
  const clock = new ManualClock();
  const client = new ModbusSerialClient(
    { transport: 'tcp', host: '127.0.0.1', port },
    { clock, connectTimeoutMs: 1_000 },
  );
  const bus = new ModbusLampNodeBus(config(port), { clock, log: silentLog, client });
  cleanups.push(() => bus.close());
  expect(await outcome(bus.nodes[0]?.setLevel(40) ?? Promise.resolve())).toEqual({
    kind: 'garbage',
    reason: 'garbage frame',
  });
  expect(peer.requests).toMatchObject([{ unitId: 1, functionCode: 6, address: 0, count: 40 }]);
});

it('refuses a reading with a level over 100 % rather than passing it on', async () => {
  const fake: ModbusWriteClient = {
    isOpen: true,
    open: () => Promise.resolve(),
    close: () => Promise.resolve(),
    write: () => Promise.resolve(),
    read: (r: ReadRequest) => Promise.resolve(r.count === 7 ? [250, 0, 2300, 0, 0, 0, 60] : [250]),
  };
  const bus = new ModbusLampNodeBus(config(1), {
    clock: new ManualClock(),
    log: silentLog,
    client: fake,
  });
  const node = bus.nodes[0];
  if (node === undefined) throw new Error('no node');
  expect(await outcome(node.read())).toEqual({
    kind: 'invalid-reply',
    reason: 'invalid reply: applied level 250 % out of range',
  });
  expect(await outcome(node.setLevel(50))).toMatchObject({
    kind: 'not-applied',
    appliedLevel: 250,
  });
});
