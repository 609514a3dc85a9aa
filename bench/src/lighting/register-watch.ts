import type { LampNodeGroup } from '@hameau/firmware-sim';

/** A wait for level writes, armed before what should cause them. */
export interface LevelWrite {
  /** `performance.now()` when the last of the nodes had `level` written into its register. */
  readonly at: Promise<number>;
  cancel(): void;
}

/**
 * Times dim-level writes inside the simulator: a node tells its change listeners synchronously
 * while it handles the write request, just before it stores the value, so the time taken there
 * is the instant the register is written, to `performance.now()`'s resolution (µs), with no
 * polling. The register is read back a microtask later, once the write is stored: only a
 * write of the awaited level counts.
 */
export function expectLevel(
  group: LampNodeGroup,
  ids: readonly string[],
  level: number,
  timeoutMs: number,
): LevelWrite {
  const written = new Map<string, number>();
  const offs: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const cancel = () => {
    clearTimeout(timer);
    for (const off of offs.splice(0)) off();
  };
  const at = new Promise<number>((resolve, reject) => {
    for (const id of ids) {
      const node = group.node(id);
      offs.push(
        node.onChange(() => {
          const t = performance.now();
          queueMicrotask(() => {
            if (written.has(id) || node.holdingRegisters()[0] !== level) return;
            written.set(id, t);
            if (written.size < ids.length) return;
            cancel();
            resolve(Math.max(...written.values()));
          });
        }),
      );
    }
    timer = setTimeout(() => {
      cancel();
      const missing = ids.filter((id) => !written.has(id)).join(', ');
      reject(new Error(`level ${level} not written to ${missing} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  // Handled by whoever awaits it; a cancelled wait must not surface as unhandled.
  at.catch(() => undefined);
  return { at, cancel };
}
