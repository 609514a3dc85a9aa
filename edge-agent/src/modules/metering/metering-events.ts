/** A meter answered a poll: what it read, whether or not the reading is reported now. */
export interface MeterReadingEvent {
  /** The meter's id (`modules.metering.buses[].meters[].id`). */
  readonly meter: string;
  /** When it was read, wall ms. */
  readonly at: number;
  /** Every quantity of its map: a number, or null when its read failed. */
  readonly values: Readonly<Partial<Record<string, number | null>>>;
}

// The metering module's events on the agent's bus, for modules on the same agent that need a
// meter's readings (the lighting module compares its cabinet's meter with its zones): they
// listen instead of polling the same meter a second time.
declare module '../../runtime/agent-events.js' {
  interface AgentEvents {
    /** Each poll of a meter that got data (not only the polls the report policy sends). */
    'metering.reading': MeterReadingEvent;
  }
}
