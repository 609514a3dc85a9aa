/** A monotonically increasing counter, optionally split by one label. */
export class Counter {
  readonly #values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly label?: string,
  ) {}

  inc(labelValue = '', by = 1): void {
    this.#values.set(labelValue, (this.#values.get(labelValue) ?? 0) + by);
  }

  get(labelValue = ''): number {
    return this.#values.get(labelValue) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const v of this.#values.values()) sum += v;
    return sum;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.#values.size === 0 && this.label === undefined) lines.push(`${this.name} 0`);
    for (const [value, n] of [...this.#values].sort(([a], [b]) => a.localeCompare(b))) {
      const labels = this.label === undefined ? '' : `{${this.label}="${value}"}`;
      lines.push(`${this.name}${labels} ${n}`);
    }
    return lines.join('\n');
  }
}

/** The broker's counters, rendered in the Prometheus text exposition format. */
export class BrokerMetrics {
  readonly messagesIn = new Counter(
    'hameau_broker_messages_in_total',
    'PUBLISH packets accepted from clients.',
  );
  readonly messagesOut = new Counter(
    'hameau_broker_messages_out_total',
    'PUBLISH packets delivered to subscribers.',
  );
  readonly connectionsAccepted = new Counter(
    'hameau_broker_connections_accepted_total',
    'CONNECTs accepted.',
  );
  readonly connectionsRefused = new Counter(
    'hameau_broker_connections_refused_total',
    'Connections refused, by reason.',
    'reason',
  );
  readonly aclDenied = new Counter(
    'hameau_broker_acl_denied_total',
    'Publishes and subscriptions denied by the ACL.',
    'action',
  );
  readonly clientErrors = new Counter(
    'hameau_broker_client_errors_total',
    'Connections closed because of a client error.',
  );

  render(gauges: { clientsConnected: number; uptimeSeconds: number }): string {
    return [
      '# HELP hameau_broker_clients_connected Clients currently connected.',
      '# TYPE hameau_broker_clients_connected gauge',
      `hameau_broker_clients_connected ${gauges.clientsConnected}`,
      '# HELP hameau_broker_uptime_seconds Seconds since the broker started.',
      '# TYPE hameau_broker_uptime_seconds gauge',
      `hameau_broker_uptime_seconds ${Math.floor(gauges.uptimeSeconds)}`,
      this.messagesIn.render(),
      this.messagesOut.render(),
      this.connectionsAccepted.render(),
      this.connectionsRefused.render(),
      this.aclDenied.render(),
      this.clientErrors.render(),
      '',
    ].join('\n');
  }
}
