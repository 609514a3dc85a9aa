import { ProtocolError } from '@hameau/protocol';

/**
 * A weather report that could not be read, with every problem found. A `PAYLOAD_INVALID`: the
 * report reaches the agent as a relayed payload, and the controller keeps its last good one.
 */
export class WeatherParseError extends ProtocolError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super('PAYLOAD_INVALID', `${source} weather report not understood: ${problems.join('; ')}`, {
      source,
      problems,
    });
    this.problems = problems;
  }
}
