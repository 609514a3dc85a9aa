import { describe, expect, it } from 'vitest';
import { formatEndpoint } from '../src/sim-device.js';

describe('formatEndpoint', () => {
  it('prints host:port, bracketing IPv6 hosts, and pty paths', () => {
    expect(formatEndpoint({ transport: 'tcp', host: '127.0.0.1', port: 5020 })).toBe(
      'tcp 127.0.0.1:5020',
    );
    expect(formatEndpoint({ transport: 'tcp', host: '::1', port: 5020 })).toBe('tcp [::1]:5020');
    expect(formatEndpoint({ transport: 'pty', path: '/tmp/ttyV0' })).toBe('pty /tmp/ttyV0');
  });
});
