import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../src/config/load-agent-config.js';
import { useTempFolders } from './temp-files.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../examples');
const folder = useTempFolders();

/** Copies an example next to a temporary password file at the path it names. */
function install(example: string, passwordPath: string): string {
  const dir = folder({ [passwordPath]: 'example-password\n' });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(EXAMPLES, example), join(dir, example));
  return join(dir, example);
}

describe('the example configurations', () => {
  it('site.yaml loads, with its password file', () => {
    const config = loadAgentConfig(install('site.yaml', 'secrets/mqtt-password'));
    expect(config.site).toBe('town-hall');
    expect(config.mqtt.url).toBe('mqtts://broker.example.org:8883');
    expect(config.mqtt.username).toBe('town-hall/lockers');
    expect(config.mqtt.password.reveal()).toBe('example-password');
    expect(config.outbox.maxRecords).toBe(200_000);
  });

  it('minimal.yaml loads, everything else defaulted', () => {
    const config = loadAgentConfig(install('minimal.yaml', 'mqtt-password'));
    expect(config.kind).toBe('meters');
    expect(config.dataDir).toBe('/var/lib/hameau');
    expect(config.mqtt.keepaliveSeconds).toBe(30);
  });
});
