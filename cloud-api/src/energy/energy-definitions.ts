import type { EnergySettings } from './energy-settings.js';

/** The quantities the figures are made of (docs/metering.md's vocabulary). */
export const IMPORT_COUNTER = 'energy_import_kwh';
export const EXPORT_COUNTER = 'energy_export_kwh';
export const POWER = 'power_w';

/** What the figures mean, published on the API so that anyone can check them. */
export interface EnergyDefinitions {
  readonly timeZone: string;
  readonly greenShare: {
    readonly formula: string;
    readonly text: string;
    readonly gridRenewableShare: number;
    readonly gridRenewableShareSource: string;
    readonly stepMinutes: number;
  };
  readonly counters: string;
  readonly partial: string;
  readonly roles: string;
  readonly now: string;
}

/** The definitions as the settings make them. */
export function energyDefinitions(settings: EnergySettings): EnergyDefinitions {
  const share = `${Math.round(settings.gridRenewableShare * 1000) / 10} %`;
  return {
    timeZone: settings.timeZone,
    greenShare: {
      formula:
        'green share = (local renewable production + grid renewable share × grid import) / consumption',
      text:
        `Every 15 minutes: the local solar production, plus ${share} of the energy imported from ` +
        'the grid, divided by what the town consumed, clamped between 0 and 1. Grid import is ' +
        "the grid meter's import counter; without a grid meter it is estimated as consumption " +
        'minus production when positive, else 0. No consumption: no share. Missing production ' +
        'counts 0. Over a longer span: the sum of green energy divided by the sum of consumption.',
      gridRenewableShare: settings.gridRenewableShare,
      gridRenewableShareSource: settings.gridRenewableShareSource,
      stepMinutes: 15,
    },
    counters:
      'kWh come from the meters’ energy counters, never from integrating power: a period’s ' +
      'energy is the counter at its end minus the counter at its start, each the last reading ' +
      'before the boundary. Consumption meters count their import counter, production meters ' +
      'their export counter, grid meters both. Where a counter went backwards (a reset or a ' +
      'replaced meter, flagged counter_reset by the edge), the increases on either side are ' +
      'added and the step across the reset is dropped: no figure is ever negative.',
    partial:
      'When a meter has no reading in the hour before a boundary, the nearest reading inside ' +
      'the period is used instead: the figure is marked partial, with its coverage (the share ' +
      'of the period between the readings used, averaged over the meters). The current period ' +
      'is counted up to now.',
    roles:
      'Each meter is consumption (a building, a cabinet, lockers), production (local solar) or ' +
      'grid (the town’s import/export point). A meter without a role counts as consumption.',
    now:
      'Power now is the sum of each meter’s latest power reading; a reading older than ' +
      `${settings.staleAfterSeconds} s is left out and the meter counted as stale. Production ` +
      'meters report production as export (negative power).',
  };
}
