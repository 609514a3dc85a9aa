import type { IssuedCredentials } from '../identities/identity-store.js';
import type { CliIo } from '../io.js';

/** A kiosk page of the demo, with the variable that moves its port. */
export interface DemoKiosk {
  readonly name: string;
  readonly url: string;
  readonly variable: string;
}

/** A parcel waiting for pickup, with where to type its code. */
export interface PrintedParcel {
  readonly bankName: string;
  readonly box: number;
  readonly size: string;
  readonly code: string;
  readonly kioskUrl: string;
}

/** Everything `hameau start` tells the person who ran it. */
export interface DemoPrintout {
  readonly mqttUrl: string;
  readonly wsUrl: string | null;
  readonly brokerHealthUrl: string | null;
  readonly apiUrl: string;
  readonly tokenFile: string;
  readonly tokenFileExists: boolean;
  readonly accounts: string;
  readonly kiosks: readonly DemoKiosk[];
  readonly parcels: readonly PrintedParcel[];
  /** The console's technician sign-in, with this run's password. */
  readonly technician: { readonly name: string; readonly password: string };
  readonly history: string;
  /** The lighting controller's configuration in the cloud: its version, whose, applied or not. */
  readonly lighting: string;
  readonly agentsDir: string;
  readonly credentials: readonly IssuedCredentials[];
}

const label = (text: string) => `  ${text.padEnd(19)}`;

/** Prints the demo's addresses, demo codes and credentials; the last line is the Ctrl-C hint. */
export function printDemoTown(io: CliIo, p: DemoPrintout): void {
  io.out('');
  io.out('Hameau demo town');
  io.out(`${label('Public dashboard')}${p.apiUrl}/`);
  io.out(`${label('Technician console')}${p.apiUrl}/console/`);
  io.out(`${label('Console sign-in')}${p.technician.name}  ${p.technician.password}`);
  io.out(`${label('API docs')}${p.apiUrl}/docs`);
  io.out(`${label('Cloud API')}${p.apiUrl}  (HAMEAU_API_PORT)`);
  io.out(
    `${label('MQTT broker')}${p.mqttUrl}  (HAMEAU_MQTT_PORT)` +
      (p.wsUrl === null ? '' : `  WebSocket ${p.wsUrl}  (HAMEAU_MQTT_WS_PORT)`),
  );
  if (p.brokerHealthUrl !== null) {
    io.out(
      `${label('Broker health')}${p.brokerHealthUrl}  and /metrics  (HAMEAU_BROKER_HTTP_PORT)`,
    );
  }
  io.out(
    `${label('Admin token')}in ${p.tokenFile}` +
      (p.tokenFileExists ? '' : ' (written at the first start only; it was since deleted)'),
  );
  io.out(`${label('Accounts')}${p.accounts}`);
  io.out(`${label('Meter history')}${p.history}`);
  io.out(`${label('Lighting config')}${p.lighting}`);
  io.out(`${label('Agents')}site.yaml and data of each under ${p.agentsDir}`);
  io.out('  Kiosk pages:');
  for (const k of p.kiosks) io.out(`    ${k.name.padEnd(24)} ${k.url}  (${k.variable})`);
  io.out('  Parcels ready for pickup (type the code on the kiosk page):');
  for (const parcel of p.parcels) {
    io.out(
      `    ${parcel.bankName.padEnd(24)} box ${String(parcel.box).padEnd(2)} ${parcel.size.padEnd(2)}  ` +
        `code ${parcel.code}  ${parcel.kioskUrl}`,
    );
  }
  io.out('  Demo credentials (new for this run; the previous ones no longer work):');
  for (const a of p.credentials) io.out(`    ${a.username.padEnd(18)} ${a.password}`);
  io.out('Press Ctrl-C to stop.');
}
