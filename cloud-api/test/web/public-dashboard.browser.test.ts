import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { parseApiConfig } from '../../src/config.js';
import { startApiServer, type RunningApi } from '../../src/server.js';
import type { Point } from '../../src/timeseries/point.js';
import { silent } from '../helpers/test-app.js';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.js';
import {
  contrasts,
  launchChromium,
  openTab,
  snap,
  type PageTab,
} from './helpers/dashboard-browser.js';

// The public dashboard in Debian's Chromium against the real API: `hameau api` as a user runs
// it (real time, an embedded store, MQTT ingestion from a broker on port 0), a simulated meter
// publishing its readings as a metering agent does, and a lighting controller's events and
// telemetry (with the night so far, as the agent reports it through the night). The
// page must show the new figures without a reload, in French and English, by keyboard, at
// 360 px, with no console error and no CSP violation. Screenshots go to artifacts/screenshots/.
//
// Here rather than in dashboards/test: the test drives the cloud API (which depends on
// @hameau/dashboards for the pages), so the dependency keeps its direction.

const METER = { site: 'mairie', device: 'meters-1', meter: 'general' };
const LAMPS = { site: 'mairie', device: 'lamps-1' };
const HOUR = 3_600_000;

/** Waits for an outcome on a loaded machine: generous, and never a statement about speed. */
const eventually = <T>(check: () => Promise<T> | T) =>
  expect.poll(check, { timeout: 15_000, interval: 50 });

/** The page's language, `<html lang>`. */
const langOf = (page: Page) => page.evaluate<string>('document.documentElement.lang');

/** The text the page shows in an element, spaces normalised (Intl uses no-break spaces). */
async function textOf(page: Page, selector: string): Promise<string> {
  const text = await page.locator(selector).innerText();
  return text.replace(/[\u00a0\u202f]/g, ' ').trim();
}

let broker: TestBroker;
let api: RunningApi;
let dataDir: string;
let browser: Browser | undefined;
let meter: MqttClient | undefined;
let lamps: MqttClient | undefined;
let seq = 0;
let lampSeq = 0;
let counter = 5000;
let tab: PageTab | null = null;

/** One reading of the simulated meter, published as the metering module does (QoS 1). */
async function publishReading(powerW: number): Promise<void> {
  counter += 0.01;
  if (meter === undefined) throw new Error('the simulated meter is not connected');
  await meter.publishAsync(
    TOPICS.telemetry.build({ site: METER.site, device: METER.device, stream: 'energy' }),
    TOPICS.telemetry.encode({
      seq: ++seq,
      at: new Date().toISOString(),
      historical: false,
      source: METER.meter,
      values: { power_w: powerW, energy_import_kwh: counter },
    }),
    { qos: 1 },
  );
}

async function publishLevel(zone: string, level: number, mode: string, reason: string) {
  if (lamps === undefined) throw new Error('the lighting controller is not connected');
  await lamps.publishAsync(
    TOPICS.event.build({ ...LAMPS, type: 'level-changed' }),
    TOPICS.event.encode({
      seq: ++lampSeq,
      at: new Date().toISOString(),
      historical: false,
      severity: 'info',
      subject: zone,
      data: { zone, level, previous: 100, mode, reasons: [reason] },
    }),
    { qos: 1 },
  );
}

/**
 * A zone's `lighting` telemetry as the agent sends it through the night: the level, and the
 * night so far since a switch-on three hours ago.
 */
async function publishNightSoFar(zone: string, energyWh: number, baselineWh: number) {
  if (lamps === undefined) throw new Error('the lighting controller is not connected');
  const now = Date.now();
  await lamps.publishAsync(
    TOPICS.telemetry.build({ ...LAMPS, stream: 'lighting' }),
    TOPICS.telemetry.encode({
      seq: ++lampSeq,
      at: new Date(now).toISOString(),
      historical: false,
      source: zone,
      values: { level: 60, lit: 1, expected_power_w: 648 },
      night: {
        night: new Date(now - 3 * HOUR).toISOString().slice(0, 10),
        since: new Date(now - 3 * HOUR).toISOString(),
        until: new Date(now + 9 * HOUR).toISOString(),
        energyWh,
        baselineWh,
        savingsPct: Math.round((1000 * (baselineWh - energyWh)) / baselineWh) / 10,
        litHours: 3,
        minLevel: 60,
        coveredHours: 3,
      },
    }),
    { qos: 1 },
  );
}

/** Two days of the meter's past readings, every 15 minutes, for the history chart. */
function pastReadings(now: number): Point[] {
  const points: Point[] = [];
  const start = Math.floor((now - 48 * HOUR) / 900_000) * 900_000;
  for (let t = start; t < now - 60_000; t += 900_000) {
    // A day's shape: more in the evening than at night.
    const kw = 1.2 + Math.sin((((t / HOUR) % 24) / 24) * 2 * Math.PI - Math.PI / 2) * 0.6 + 0.6;
    counter += kw / 4;
    points.push({
      measurement: 'energy',
      tags: { site: METER.site, device: METER.device, source: METER.meter },
      fields: { energy_import_kwh: counter },
      time: t,
    });
  }
  return points;
}

beforeAll(async () => {
  browser = await launchChromium();
  dataDir = mkdtempSync(join(tmpdir(), 'hameau-dashboard-'));
  broker = await startTestBroker();
  api = await startApiServer(
    parseApiConfig({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      mqtt: { url: broker.url, batchMaxDelayMs: 5 },
    }),
    { log: silent },
  );
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: auth,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  await call('POST', '/api/v1/devices', { site: METER.site, device: METER.device, kind: 'meters' });
  await call('POST', '/api/v1/devices', { ...LAMPS, kind: 'lighting' });
  await call('PUT', `/api/v1/devices/${LAMPS.site}/${LAMPS.device}/lighting`, {
    zones: [
      { id: 'connetable', name: 'Rue du Connétable', class: 'M4' },
      { id: 'omer-vallon', name: 'Place Omer Vallon', class: 'P3' },
    ],
  });
  await api.timeSeries.write(pastReadings(Date.now()));
  await vi.waitFor(
    () => {
      if (api.ingestion?.connected !== true)
        throw new Error('the API is not connected to MQTT yet');
    },
    { timeout: 15_000, interval: 50 },
  );
  meter = await mqtt.connectAsync(broker.url, { clientId: `${METER.site}/${METER.device}` });
  lamps = await mqtt.connectAsync(broker.url, { clientId: `${LAMPS.site}/${LAMPS.device}` });
  await publishReading(1500);
  await publishLevel(
    'connetable',
    60,
    'program',
    "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
  );
  await publishLevel('omer-vallon', 100, 'event', "event 'Fête' → 100 % until 01:00");
}, 60_000);

afterAll(async () => {
  // Any of these may be missing when beforeAll failed half-way.
  const optional = <T>(v: T) => v as T | undefined;
  await meter?.endAsync(true);
  await lamps?.endAsync(true);
  await browser?.close();
  await optional(api)?.close();
  await optional(broker)?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  // No page may log an error, throw, or break its CSP, whatever the test did.
  const problems = (await tab?.close()) ?? [];
  tab = null;
  expect(problems).toEqual([]);
});

async function open(width = 1280, height = 900): Promise<Page> {
  if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
  tab = await openTab(browser, `${api.url}/`, { width, height });
  await eventually(() => tab?.page.locator('#connection').getAttribute('data-state')).toBe('live');
  return tab.page;
}

describe('public dashboard in Chromium', () => {
  it('shows live numbers that change as the meter’s readings change, without a reload', async () => {
    const page = await open();
    await eventually(() => textOf(page, '#energy-now')).toBe('1,5 kW');
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    const published = performance.now();
    await publishReading(2340);
    await eventually(() => textOf(page, '#energy-now')).toBe('2,3 kW');
    const shownAfterMs = performance.now() - published;
    await publishReading(12_400);
    await eventually(() => textOf(page, '#energy-now')).toBe('12,4 kW');
    expect(navigations).toBe(0);
    // A measurement for the report, not an assertion: the machine may be loaded.
    console.info(`public dashboard: reading published → shown in ${shownAfterMs.toFixed(0)} ms`);

    expect(await textOf(page, '#connection-text')).toMatch(
      /^En direct · mis à jour à \d\d:\d\d:\d\d$/,
    );
    await eventually(() => textOf(page, '#lighting-zones')).toContain('Rue du Connétable');
    expect(await textOf(page, '#lighting-zones')).toContain('60 %');
    expect(await textOf(page, '#lighting-summary')).toBe(
      '2 zones allumées sur 2 · niveau moyen 80 %',
    );
    await publishLevel(
      'connetable',
      30,
      'override',
      "override 'test' → 30 % until 22:00 (issued 11:00)",
    );
    await eventually(() => textOf(page, '#lighting-summary')).toBe(
      '2 zones allumées sur 2 · niveau moyen 65 %',
    );
    expect(await textOf(page, '#lighting-zones')).toContain('Intervention technique');

    await eventually(() => page.locator('#history-chart canvas').count()).toBe(1);
    expect(await textOf(page, '#history-summary')).toMatch(
      /^Sur 24 heures : [\d ,]+ kWh consommés/,
    );
    // The headline is the only live region, and it was told once, not at every reading.
    expect(await page.locator('[aria-live]').count()).toBe(1);
    expect(await textOf(page, '#energy-announce')).toBe('La commune consomme maintenant 1,5 kW.');
    await snap(page, 'public-dashboard');
  }, 90_000);

  it('switches to English and back, and remembers the choice', async () => {
    const page = await open();
    await eventually(() => textOf(page, '#energy-now')).toMatch(/ kW$/);
    const toggle = page.getByRole('button', { name: 'English', exact: true });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await langOf(page)).toBe('en');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await textOf(page, 'h1')).toBe('Town energy');
    expect(await textOf(page, '#energy-now')).toMatch(/^\d+(\.\d)? kW$/);
    expect(await textOf(page, '#connection-text')).toMatch(/^Live · updated at /);
    await page.locator('#green-details summary').click();
    // In English, the energy domain's own definition, word for word.
    await eventually(() => textOf(page, '#green-definition')).toMatch(
      /^Every 15 minutes: the local solar production/,
    );
    await snap(page, 'public-dashboard-en');

    await page.reload();
    await eventually(() => langOf(page)).toBe('en');
    await eventually(() => textOf(page, '#energy-now')).toMatch(/ kW$/);
    await page.getByRole('button', { name: 'English', exact: true }).click();
    expect(await langOf(page)).toBe('fr');
    expect(await textOf(page, 'h1')).toBe('Énergie de la commune');
  }, 60_000);

  it('works by keyboard alone, with a visible focus', async () => {
    const page = await open();
    await eventually(() => page.locator('#history-chart canvas').count()).toBe(1);
    const visited: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate<{ name: string; outline: number } | null>(`(() => {
        const el = document.activeElement;
        if (el === null || el === document.body) return null;
        const style = getComputedStyle(el);
        return {
          name: el.dataset.range || el.id || el.textContent.trim().slice(0, 30) || el.tagName,
          outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
        };
      })()`);
      if (focused === null) continue;
      visited.push(focused.name);
      expect(focused.outline, `focus ring of ${focused.name}`).toBeGreaterThanOrEqual(2);
    }
    expect(visited).toEqual(
      expect.arrayContaining([
        'Aller aux chiffres',
        'lang',
        'Qu’est-ce que c’est ?',
        'day',
        'week',
        'month',
      ]),
    );
    // The range buttons act on Enter and Space, like any button.
    await page.locator('button[data-range="week"]').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('button[data-range="week"]').getAttribute('aria-pressed')).toBe(
      'true',
    );
    await eventually(() => textOf(page, '#history-summary')).toMatch(/^Sur 7 jours : /);
    await page.locator('button[data-range="month"]').focus();
    await page.keyboard.press('Space');
    await eventually(() => textOf(page, '#history-summary')).toMatch(/^Sur 30 jours : /);
    expect(await page.locator('#history-table tbody tr').count()).toBe(30);
    await page.locator('#green-details summary').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#green-details').getAttribute('open')).toBe('');
    await eventually(() => textOf(page, '#green-definition')).toMatch(/^Toutes les 15 minutes : /);
  }, 60_000);

  it('shows tonight’s savings so far once the lighting controller reports its night', async () => {
    const page = await open();
    await eventually(() => textOf(page, '#lighting-night')).toBe('Pas encore de bilan de nuit.');
    expect(await page.locator('#lighting-night').getAttribute('data-night')).toBe('none');

    await publishNightSoFar('connetable', 2_700, 3_600);
    await eventually(() => textOf(page, '#lighting-night')).toBe(
      'Cette nuit (en cours) : 25 % d’économie par rapport à la pleine puissance',
    );
    const since = await page.evaluate<string>(
      `new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(Date.now() - ${3 * HOUR}))`,
    );
    expect(await textOf(page, '.lighting-night-energy')).toBe(
      `2,7 kWh consommés au lieu de 3,6 kWh depuis ${since}`,
    );
    // A second zone's report grows the town's figure, live.
    await publishNightSoFar('omer-vallon', 1_800, 1_800);
    await eventually(() => textOf(page, '.lighting-night-energy')).toMatch(
      /^4,5 kWh consommés au lieu de 5,4 kWh depuis \d\d:\d\d$/,
    );
    expect(await textOf(page, '#lighting-night')).toBe(
      'Cette nuit (en cours) : 17 % d’économie par rapport à la pleine puissance',
    );
    expect(await page.locator('#lighting-night').getAttribute('data-night')).toBe('tonight');

    await page.getByRole('button', { name: 'English', exact: true }).click();
    expect(await textOf(page, '#lighting-night')).toBe(
      'Tonight (in progress): 17% saved against full power',
    );
    expect(await textOf(page, '.lighting-night-energy')).toMatch(
      /^4\.5 kWh used instead of 5\.4 kWh since \d\d:\d\d$/,
    );
    await snap(page, 'public-dashboard-tonight-en');
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await snap(page, 'public-dashboard-tonight');
  }, 60_000);

  it('fits a 360 px phone with readable contrast', async () => {
    const page = await open(360, 780);
    await eventually(() => page.locator('#history-chart canvas').count()).toBe(1);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    for (const { what, ratio } of await contrasts(page)) {
      expect(ratio, what).toBeGreaterThanOrEqual(4.5);
    }
    await snap(page, 'public-dashboard-360');
  }, 60_000);
});
