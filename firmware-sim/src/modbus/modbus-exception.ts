/**
 * Modbus exception codes a simulated device may answer with. The first four are what a meter
 * sends; 0x0A and 0x0B are what a TCP gateway sends about the serial bus behind it.
 */
export const ModbusException = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  SlaveDeviceFailure: 0x04,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetFailedToRespond: 0x0b,
} as const;
export type ModbusException = (typeof ModbusException)[keyof typeof ModbusException];
