import { describe, expect, it } from 'vitest';
import { parseProcSample, statusKbField, statusNumberField } from '../../src/agent/proc-sample.js';
import { statCpuTicks } from '../../src/process-cpu.js';

/** A node process's /proc/<pid>/status, cut to the lines around what is read. */
const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
Pid:\t25742
VmPeak:\t 1233456 kB
VmHWM:\t  140120 kB
VmRSS:\t  136612 kB
RssAnon:\t   38304 kB
RssFile:\t   98308 kB
Threads:\t11
SigQ:\t0/96452
`;

/** proc(5): pid (comm) state ppid … utime (14) stime (15) …; a comm with spaces and a ')'. */
const STAT =
  '25742 (node (agent) x) S 25702 25742 5875 0 -1 4194560 8123 0 3 0 ' +
  '734 121 0 0 20 0 11 0 359509 1263058944 34153 18446744073709551615';

describe('/proc parsers', () => {
  it('reads kB fields of status in bytes, and plain numbers', () => {
    expect(statusKbField(STATUS, 'VmRSS')).toBe(136_612 * 1024);
    expect(statusKbField(STATUS, 'VmHWM')).toBe(140_120 * 1024);
    expect(statusKbField(STATUS, 'RssAnon')).toBe(38_304 * 1024);
    expect(statusNumberField(STATUS, 'Threads')).toBe(11);
  });

  it('says null for a field that is not there (a zombie has no VmRSS)', () => {
    const zombie = STATUS.replace(/^(Vm|Rss).*\n/gm, '');
    expect(statusKbField(zombie, 'VmRSS')).toBeNull();
    expect(statusKbField(STATUS, 'VmSwap')).toBeNull();
    // A prefix of another field's name is not that field.
    expect(statusKbField(STATUS, 'Rss')).toBeNull();
  });

  it('adds utime and stime, counting fields after the command name’s last parenthesis', () => {
    expect(statCpuTicks(STAT)).toBe(734 + 121);
  });

  it('refuses a stat line it cannot read', () => {
    expect(statCpuTicks('')).toBeNull();
    expect(statCpuTicks('25742 (node) S 1 2 3')).toBeNull();
    expect(statCpuTicks(STAT.replace(' 734 ', ' x '))).toBeNull();
  });

  it('makes one sample of both files, or none when either is unusable', () => {
    expect(parseProcSample(12.5, STATUS, STAT)).toEqual({
      at: 12.5,
      rssBytes: 136_612 * 1024,
      rssAnonBytes: 38_304 * 1024,
      cpuTicks: 855,
      threads: 11,
    });
    expect(parseProcSample(1, 'Name:\tnode\n', STAT)).toBeNull();
    expect(parseProcSample(1, STATUS, 'garbage')).toBeNull();
  });
});
