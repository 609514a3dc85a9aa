import { z } from 'zod';
import { defineDeviceType } from '../../device-type.js';
import { LampNodeGroup } from './lamp-node-group.js';
import { LampNodeGroupFields, checkLampNodeGroup } from './lamp-node-options.js';

/** `type: lamp-nodes`: lamp-control nodes on one Modbus line, by unit id. */
export const lampNodesDeviceType = defineDeviceType({
  type: 'lamp-nodes',
  summary: 'Modbus lamp-control nodes (dimming, watchdog, burning hours) on a pty and/or TCP',
  schema: LampNodeGroupFields.extend({ type: z.literal('lamp-nodes') })
    .strict()
    .superRefine(checkLampNodeGroup),
  create: ({ type: _type, ...options }, context) => new LampNodeGroup(options, context),
});
